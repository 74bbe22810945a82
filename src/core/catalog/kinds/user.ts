/** Backstage's `User` (`kinds/UserEntityV1alpha1.ts`): a person. */
import { z } from 'zod';
import { profileSchema, refList } from './fields.ts';
import { BACKSTAGE_API_VERSIONS, type KindRules } from './kind-rules.ts';

const userSpecSchema = z.looseObject({
  profile: profileSchema,
  memberOf: refList('a list of references to Groups (it may be empty: [])', 'a reference to a Group, such as team-a'),
});

export const userKind: KindRules = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  spec: userSpecSchema,
  specExpectation: 'an object with at least memberOf (it may be [])',
  refFields: [{ field: 'memberOf', type: 'memberOf', defaultKind: 'Group' }],
};
