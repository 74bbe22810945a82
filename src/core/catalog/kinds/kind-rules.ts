import type { z } from 'zod';
import type { RelationType } from '../types.ts';

/** A spec field that names other entities, and the relation it declares (BuiltinKindsEntityProcessor). */
export interface RefField {
  field: string;
  type: RelationType;
  /** Absent for dependsOn and dependencyOf: the reference must name its kind. */
  defaultKind?: string;
}

export interface SpecRules {
  spec: z.ZodType;
  specExpectation: string;
  refFields: readonly RefField[];
}

export interface KindRules extends SpecRules {
  apiVersions: readonly string[];
  /**
   * Rules that replace the kind's own for one `spec.type`, as Backstage's catalog model layers do with `specType`
   * (an `mcp-server` API has remotes instead of a definition).
   */
  specTypes?: Record<string, SpecRules>;
}

export const BACKSTAGE_API_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'];
export const OWNED_BY: RefField = { field: 'owner', type: 'ownedBy', defaultKind: 'Group' };
export const IN_SYSTEM: RefField = { field: 'system', type: 'partOf', defaultKind: 'System' };
export const DEPENDS_ON: RefField = { field: 'dependsOn', type: 'dependsOn' };
export const DEPENDENCY_OF: RefField = { field: 'dependencyOf', type: 'dependencyOf' };
