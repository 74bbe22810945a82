/** Backstage's scaffolder `Template` (`plugins/scaffolder-common/src/TemplateEntityV1beta3.ts`). */
import { z } from 'zod';
import { OWNER } from '../messages.ts';
import { text } from './fields.ts';
import { type KindRules, OWNED_BY } from './kind-rules.ts';

const templateSpecSchema = z.looseObject({
  type: text('a string such as service or website'),
  owner: text(OWNER).optional(),
  steps: z.array(
    z.looseObject(
      { action: text('a string naming the action, such as fetch:template') },
      { error: 'a mapping with an action' },
    ),
    { error: 'a list of steps, each with an action' },
  ),
  parameters: z
    .union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))], {
      error: 'an object or a list of objects (the form pages)',
    })
    .optional(),
  output: z.record(z.string(), z.unknown(), { error: 'an object, e.g. with links or text' }).optional(),
});

export const templateKind: KindRules = {
  apiVersions: ['scaffolder.backstage.io/v1beta3'],
  spec: templateSpecSchema,
  specExpectation: 'an object with at least type and steps',
  refFields: [OWNED_BY],
};
