/** Backstage's `Domain` (`kinds/DomainEntityV1alpha1.ts`): systems that share a business purpose. */
import { z } from 'zod';
import { OWNER } from '../messages.ts';
import { text } from './fields.ts';
import { BACKSTAGE_API_VERSIONS, type KindRules, OWNED_BY } from './kind-rules.ts';

const domainSpecSchema = z.looseObject({
  owner: text(OWNER),
  subdomainOf: text('a reference to a Domain, such as commerce').optional(),
  type: text('a string such as product-area, product-group or bundle').optional(),
});

export const domainKind: KindRules = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  spec: domainSpecSchema,
  specExpectation: 'an object with at least owner',
  refFields: [OWNED_BY, { field: 'subdomainOf', type: 'partOf', defaultKind: 'Domain' }],
};
