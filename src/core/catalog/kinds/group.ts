/** Backstage's `Group` (`kinds/GroupEntityV1alpha1.ts`): a team or other organisational unit. */
import { z } from 'zod';
import { profileSchema, refList, text } from './fields.ts';
import { BACKSTAGE_API_VERSIONS, type KindRules } from './kind-rules.ts';

const groupSpecSchema = z.looseObject({
  type: text('a string such as team, business-unit, product-area or root'),
  profile: profileSchema,
  parent: text('a reference to a Group, such as platform').optional(),
  children: refList('a list of references to Groups (it may be empty: [])', 'a reference to a Group, such as team-a'),
  members: refList('a list of references to Users', 'a reference to a User, such as jane.doe').optional(),
});

export const groupKind: KindRules = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  spec: groupSpecSchema,
  specExpectation: 'an object with at least type and children (children may be [])',
  refFields: [
    { field: 'parent', type: 'childOf', defaultKind: 'Group' },
    { field: 'children', type: 'parentOf', defaultKind: 'Group' },
    { field: 'members', type: 'hasMember', defaultKind: 'User' },
  ],
};
