/**
 * Backstage's `Component` (`kinds/ComponentEntityV1alpha1.ts`): a piece of software, such as a service or a library.
 */
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

const componentSpecSchema = z.looseObject({
  type: text('a string such as service, website or library'),
  lifecycle: text('a string such as production, experimental or deprecated'),
  owner: text(OWNER).optional(),
  system: text('a reference to a System, such as payments').optional(),
  subcomponentOf: text('a reference to a Component, such as payments-api').optional(),
  providesApis: refList('a list of references to APIs', 'a reference to an API, such as payments-api').optional(),
  consumesApis: refList('a list of references to APIs', 'a reference to an API, such as payments-api').optional(),
  dependsOn: refList(DEPENDENCIES, DEPENDENCY).optional(),
  dependencyOf: refList(DEPENDENCIES, DEPENDENCY).optional(),
});

export const componentKind: KindRules = {
  apiVersions: BACKSTAGE_API_VERSIONS,
  spec: componentSpecSchema,
  specExpectation: 'an object with at least type and lifecycle',
  refFields: [
    OWNED_BY,
    IN_SYSTEM,
    { field: 'subcomponentOf', type: 'partOf', defaultKind: 'Component' },
    { field: 'providesApis', type: 'providesApi', defaultKind: 'API' },
    { field: 'consumesApis', type: 'consumesApi', defaultKind: 'API' },
    DEPENDS_ON,
    DEPENDENCY_OF,
  ],
};
