/**
 * The built-in kinds Wayfinder reads, by the `kind` a descriptor names (case-sensitive, as in Backstage): each kind's
 * apiVersions, spec schema and the spec fields that declare relations. Any other kind is kept as a generic entity.
 * Wayfinder's one departure from Backstage: `spec.owner` is optional for Component, API, Resource, System and
 * AiResource, because an answer falls back to the owner of the entity's system or domain.
 */
import { aiResourceKind } from './ai-resource.ts';
import { apiKind } from './api.ts';
import { componentKind } from './component.ts';
import { domainKind } from './domain.ts';
import { groupKind } from './group.ts';
import type { KindRules } from './kind-rules.ts';
import { locationKind } from './location.ts';
import { resourceKind } from './resource.ts';
import { systemKind } from './system.ts';
import { templateKind } from './template.ts';
import { userKind } from './user.ts';

export const KIND_RULES: Record<string, KindRules> = {
  Component: componentKind,
  API: apiKind,
  AiResource: aiResourceKind,
  Resource: resourceKind,
  System: systemKind,
  Domain: domainKind,
  Group: groupKind,
  User: userKind,
  Location: locationKind,
  Template: templateKind,
};
