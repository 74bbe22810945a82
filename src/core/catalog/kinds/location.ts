/** Backstage's `Location` (`kinds/LocationEntityV1alpha1.ts`): more descriptor files to read. */
import { z } from 'zod';
import { refList, text } from './fields.ts';
import { BACKSTAGE_API_VERSIONS, type KindRules } from './kind-rules.ts';

/** Also read by `locationSpecOf` for the targets to follow. */
export const locationSpecSchema = z.looseObject({
  type: text('a string such as file or url').optional(),
  target: text('a path or URL, such as ./services/catalog-info.yaml').optional(),
  targets: refList('a list of paths or URLs', 'a path or URL, such as ./services/catalog-info.yaml').optional(),
  presence: z.enum(['required', 'optional'], { error: 'required or optional' }).optional(),
});

export const locationKind: KindRules = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  spec: locationSpecSchema,
  specExpectation: 'an object, e.g. with target or targets (it may be {})',
  refFields: [],
};
