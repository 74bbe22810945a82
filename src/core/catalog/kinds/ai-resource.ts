/** Backstage's `AiResource` (`kinds/AiResourceEntityV1alpha1.ts`): a skill, rule, plugin or marketplace. */
import { z } from 'zod';
import { LIFECYCLE, NON_EMPTY, OWNER, STRINGS } from '../messages.ts';
import { refList, text } from './fields.ts';
import { IN_SYSTEM, type KindRules, OWNED_BY, type RefField } from './kind-rules.ts';

const AI_RESOURCE_REFS = 'a list of references to AiResources, such as airesource:default/code-review';
const AI_RESOURCE_REF = 'a reference to an AiResource, such as code-review';

/** `AiResource.v1alpha1.schema.json`: the spec of every AiResource, whatever its type. */
const aiResourceSpecSchema = z.looseObject({
  type: text('a string such as skill, rule, plugin or marketplace'),
  lifecycle: text(LIFECYCLE),
  owner: text(OWNER).optional(),
  system: text('a reference to a System, such as payments').optional(),
});

/** `AiResource.v1alpha1.skill.schema.json`. */
const skillSpecSchema = aiResourceSpecSchema.extend({
  disciplines: z.array(text(NON_EMPTY), { error: STRINGS }).optional(),
  categories: z.array(text(NON_EMPTY), { error: STRINGS }).optional(),
  agents: z.array(text(NON_EMPTY), { error: STRINGS }).optional(),
  dependsOn: refList(AI_RESOURCE_REFS, AI_RESOURCE_REF).optional(),
  allowedTools: z.array(text(NON_EMPTY), { error: STRINGS }).optional(),
  license: text('a string such as Apache-2.0 or MIT').optional(),
  compatibility: text('a string such as "Node.js 20+, macOS/Linux"').optional(),
});

/** `AiResource.v1alpha1.rule.schema.json` (its `activation` entries are kept as written). */
const ruleSpecSchema = aiResourceSpecSchema.extend({
  disciplines: z.array(text(NON_EMPTY), { error: STRINGS }).optional(),
  category: text('a string such as security, architecture or style'),
  rationale: text('a string saying why the rule exists'),
});

/** `AiResource.v1alpha1.plugin.schema.json`. */
const pluginSpecSchema = aiResourceSpecSchema.extend({
  skills: refList(AI_RESOURCE_REFS, AI_RESOURCE_REF),
  version: text('a string such as 1.0.0').optional(),
});

/** `AiResource.v1alpha1.marketplace.schema.json`. */
const marketplaceSpecSchema = aiResourceSpecSchema.extend({
  plugins: refList(AI_RESOURCE_REFS, AI_RESOURCE_REF),
  version: text('a string such as 1.0.0').optional(),
});

const AI_RESOURCE_FIELDS: readonly RefField[] = [OWNED_BY, IN_SYSTEM];

export const aiResourceKind: KindRules = {
  apiVersions: ['backstage.io/v1alpha1'],
  spec: aiResourceSpecSchema,
  specExpectation: 'an object with at least type and lifecycle',
  refFields: AI_RESOURCE_FIELDS,
  specTypes: {
    skill: {
      spec: skillSpecSchema,
      specExpectation: 'an object with at least type and lifecycle',
      refFields: [...AI_RESOURCE_FIELDS, { field: 'dependsOn', type: 'dependsOn', defaultKind: 'AiResource' }],
    },
    rule: {
      spec: ruleSpecSchema,
      specExpectation: 'an object with at least type, lifecycle, category and rationale',
      refFields: AI_RESOURCE_FIELDS,
    },
    plugin: {
      spec: pluginSpecSchema,
      specExpectation: 'an object with at least type, lifecycle and skills',
      refFields: [...AI_RESOURCE_FIELDS, { field: 'skills', type: 'hasSkill', defaultKind: 'AiResource' }],
    },
    marketplace: {
      spec: marketplaceSpecSchema,
      specExpectation: 'an object with at least type, lifecycle and plugins',
      refFields: [...AI_RESOURCE_FIELDS, { field: 'plugins', type: 'hasPlugin', defaultKind: 'AiResource' }],
    },
  },
};
