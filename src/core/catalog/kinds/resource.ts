/** Backstage's `Resource` (`kinds/ResourceEntityV1alpha1.ts`): infrastructure a component needs, such as a database. */
import { z } from 'zod';
import { DEPENDENCIES, DEPENDENCY, OWNER } from '../messages.ts';
import { refList, text } from './fields.ts';
import {
  BACKSTAGE_API_VERSIONS,
  DEPENDENCY_OF,
  DEPENDS_ON,
  IN_SYSTEM,
  type KindRules,
  OWNED_BY,
} from './kind-rules.ts';

const resourceSpecSchema = z.looseObject({
  type: text('a string such as database, s3-bucket or kubernetes-cluster'),
  owner: text(OWNER).optional(),
  system: text('a reference to a System, such as payments').optional(),
  dependsOn: refList(DEPENDENCIES, DEPENDENCY).optional(),
  dependencyOf: refList(DEPENDENCIES, DEPENDENCY).optional(),
});

export const resourceKind: KindRules = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  spec: resourceSpecSchema,
  specExpectation: 'an object with at least type',
  refFields: [OWNED_BY, IN_SYSTEM, DEPENDS_ON, DEPENDENCY_OF],
};
