/** Backstage's `System` (`kinds/SystemEntityV1alpha1.ts`): components, APIs and resources that work together. */
import { z } from 'zod';
import { OWNER } from '../messages.ts';
import { text } from './fields.ts';
import { BACKSTAGE_API_VERSIONS, type KindRules, OWNED_BY } from './kind-rules.ts';

const systemSpecSchema = z.looseObject({
  owner: text(OWNER).optional(),
  domain: text('a reference to a Domain, such as commerce').optional(),
  type: text('a string such as product, service or feature-set').optional(),
});

export const systemKind: KindRules = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  spec: systemSpecSchema,
  specExpectation: 'an object, e.g. with owner and domain',
  refFields: [OWNED_BY, { field: 'domain', type: 'partOf', defaultKind: 'Domain' }],
};
