/**
 * Reads one `catalog-info.yaml` document into a ProcessedEntity, with Backstage's rules
 * (shared/reference/backstage.md §1): the envelope, the field formats of FieldFormatEntityPolicy, the 9 core kinds
 * and their required spec fields, and the relations of BuiltinKindsEntityProcessor in both directions; also the
 * newer kinds Backstage's own example catalog uses: the API spec types `mcp-server` and `ai-model-server`
 * (`packages/catalog-model/src/kinds/McpServerApiEntity.ts`, `AiModelServerApiEntity.ts`) and the `AiResource`
 * kind (`AiResourceEntityV1alpha1.ts`: skill, rule, plugin, marketplace).
 * Wayfinder's one departure: `spec.owner` is optional for Component, API, Resource, System and AiResource, because
 * an answer falls back to the owner of the entity's system or domain.
 * Every message names the field path, what was expected and, when something was there, what was found.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { truncate } from '../text.ts';
import { ANNOTATIONS } from './annotations.ts';
import {
  DEFAULT_NAMESPACE,
  isValidAnnotationKey,
  isValidApiVersion,
  isValidKind,
  isValidLabelKey,
  isValidLabelValue,
  isValidNamespace,
  isValidObjectName,
  isValidTag,
  splitEntityRef,
  stringifyEntityRef,
} from './refs.ts';
import type {
  EntityEnvelope,
  EntityRef,
  IngestError,
  ProcessedEntity,
  Relation,
  RelationType,
  SourcePosition,
} from './types.ts';
import { RELATION_PAIRS } from './types.ts';

export type ProcessDocumentResult = { ok: true; entity: ProcessedEntity } | { ok: false; errors: IngestError[] };

/** Validates one parsed YAML/JSON document and computes its ref, relations and hash; returns every error it has. */
export function processDocument(input: { document: unknown; position: SourcePosition }): ProcessDocumentResult {
  const { document, position } = input;
  const parsed = envelopeSchema.safeParse(document, { reportInput: true });
  const kindCheck = kindRulesOf(document);
  const targets = kindCheck.rules ? resolveRefFields(document, kindCheck.rules) : { targets: [], problems: [] };
  const problems = [
    ...(parsed.success ? [] : problemsFromIssues(parsed.error.issues, [])),
    ...kindCheck.problems,
    ...targets.problems,
  ];
  if (!parsed.success || problems.length > 0) {
    const entityRef = attemptedRefOf(document);
    return {
      ok: false,
      errors: problems.map((problem) => ({
        location: position.location,
        line: position.line,
        ...problem,
        ...(entityRef ? { entityRef } : {}),
      })),
    };
  }
  // `relations` and `status` are output-only: accepted, never kept.
  const { apiVersion, kind, metadata, spec } = parsed.data;
  // Where it was read, as Backstage records it (`file:/…` or `url:https://…`), unless the descriptor says itself.
  const annotations = { [ANNOTATIONS.managedByLocation]: position.location, ...metadata.annotations };
  const envelope: EntityEnvelope = {
    apiVersion,
    kind,
    metadata: { ...metadata, namespace: metadata.namespace ?? DEFAULT_NAMESPACE, annotations },
    ...(spec ? { spec } : {}),
  };
  return { ok: true, entity: createProcessedEntity(envelope, targets.targets, position) };
}

/** The apiVersion groups Backstage defines its own kinds in; a custom kind's own group is read as a generic entity. */
const BACKSTAGE_GROUPS = ['backstage.io', 'scaffolder.backstage.io'];

/**
 * Why a document is left unread: it has a kind or apiVersion that Backstage itself defines (its apiVersion is in
 * `backstage.io` or `scaffolder.backstage.io`) but Wayfinder does not read, such as `Environment`, or `API` at
 * `backstage.io/v1alpha2`. Undefined for every other document: built-in kinds, custom kinds in a group of their own
 * (kept as generic entities), and malformed documents (which processDocument reports). The reason opens with the
 * words Backstage uses for an entity no processor validates (DefaultCatalogProcessingOrchestrator).
 */
export function unreadDocumentOf(
  document: unknown,
): { field: string; reason: string; entityRef?: EntityRef } | undefined {
  if (!isRecord(document) || !isValidApiVersion(document.apiVersion) || !isValidKind(document.kind)) {
    return undefined;
  }
  const apiVersion = document.apiVersion as string;
  const kind = document.kind as string;
  const group = groupOf(apiVersion);
  if (!group || !BACKSTAGE_GROUPS.includes(group)) {
    return undefined;
  }
  const entityRef = attemptedRefOf(document);
  const opening = `No processor recognized the entity${entityRef ? ` ${entityRef}` : ''} as valid, possibly caused by a foreign kind or apiVersion`;
  const rules = KIND_RULES[kind];
  if (!rules) {
    if (Object.keys(KIND_RULES).some((known) => known.toLowerCase() === kind.toLowerCase())) {
      return undefined;
    }
    const kinds = Object.keys(KIND_RULES).sort();
    return {
      field: 'kind',
      reason: `${opening}: Wayfinder does not read kind ${kind}; it reads ${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}. The document was skipped.`,
      ...(entityRef ? { entityRef } : {}),
    };
  }
  if (rules.apiVersions.includes(apiVersion) || !rules.apiVersions.some((known) => groupOf(known) === group)) {
    return undefined;
  }
  return {
    field: 'apiVersion',
    reason: `${opening}: Wayfinder reads kind ${kind} at ${rules.apiVersions.join(' or ')}, not ${apiVersion}. The document was skipped.`,
    ...(entityRef ? { entityRef } : {}),
  };
}

function groupOf(apiVersion: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  return slash === -1 ? undefined : apiVersion.slice(0, slash);
}

/** What a person calls the entity: its title, else its name. */
export function entityTitle(envelope: EntityEnvelope): string {
  return envelope.metadata.title || envelope.metadata.name;
}

export interface LocationSpec {
  /** `file`, `url`, ...; absent means the type of the location that read the Location entity. */
  type?: string;
  presence: 'required' | 'optional';
  /** `spec.target` and each of `spec.targets`, with the field that named it (`spec.targets[2]`). */
  targets: { field: string; target: string }[];
}

/** The targets of a Location entity that processDocument accepted. */
export function locationSpecOf(entity: ProcessedEntity): LocationSpec {
  const spec = locationSpecSchema.parse(entity.envelope.spec ?? {});
  const targets = [
    ...(spec.target ? [{ field: 'spec.target', target: spec.target }] : []),
    ...(spec.targets ?? []).map((target, index) => ({ field: `spec.targets[${index}]`, target })),
  ];
  return { ...(spec.type ? { type: spec.type } : {}), presence: spec.presence ?? 'required', targets };
}

// ---------------------------------------------------------------------------------------------------------------
// Expectations: the text after "expected" in a message. Zod issues carry them as their message.

const NAME = 'a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total';
const NAMESPACE = 'a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total';
const KIND = 'a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total';
const API_VERSION =
  'a string such as backstage.io/v1alpha1: an optional DNS-subdomain prefix and "/", then [a-zA-Z0-9], at most 63 characters';
const KEY =
  'a key that is an optional DNS-subdomain prefix and "/", then sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters';
const LABEL_VALUE =
  'a string that is empty or sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total';
const ANNOTATION_VALUE = 'a string (in YAML, quote values such as "true" or "123")';
const TAG = 'a string that is sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total';
const NON_EMPTY = 'a non empty string';
const DOCUMENT = 'a mapping with apiVersion, kind, metadata and spec';
const ROOT_FIELDS = 'apiVersion, kind, metadata and spec (relations and status are output-only and ignored)';

// ---------------------------------------------------------------------------------------------------------------
// Schemas

function text(expectation: string) {
  return z.string({ error: expectation }).min(1, { error: expectation });
}

function formatted(isValid: (value: string) => boolean, expectation: string) {
  return z.string({ error: expectation }).refine(isValid, { error: expectation });
}

function refList(list: string, item: string) {
  return z.array(text(item), { error: list });
}

const linkSchema = z.looseObject(
  {
    url: formatted(isValidUrl, 'a string that is a valid url'),
    // FieldFormatEntityPolicy checks a link title with CommonValidatorFunctions.isValidString: blank is not a title.
    title: formatted(isValidString, NON_EMPTY).optional(),
    icon: formatted(isValidObjectName, NAME).optional(),
    type: z.string({ error: 'a string' }).optional(),
  },
  { error: 'a mapping with a url' },
);

const metadataSchema = z.looseObject(
  {
    name: formatted(isValidObjectName, NAME),
    namespace: formatted(isValidNamespace, NAMESPACE).optional(),
    title: text(NON_EMPTY).optional(),
    description: z.string({ error: 'a string' }).optional(),
    labels: z
      .record(formatted(isValidLabelKey, KEY), formatted(isValidLabelValue, LABEL_VALUE), {
        error: 'a mapping of label keys to values',
      })
      .optional(),
    annotations: z
      .record(formatted(isValidAnnotationKey, KEY), z.string({ error: ANNOTATION_VALUE }), {
        error: 'a mapping of annotation keys to string values',
      })
      .optional(),
    tags: z.array(formatted(isValidTag, TAG), { error: 'a list of tags' }).optional(),
    links: z.array(linkSchema, { error: 'a list of links, each with a url' }).optional(),
  },
  { error: 'a mapping with at least a name' },
);

/** The envelope of every kind. Unknown root keys are rejected, as Backstage's NoForeignRootFieldsEntityPolicy does. */
const envelopeSchema = z.strictObject(
  {
    apiVersion: formatted(isValidApiVersion, API_VERSION),
    kind: formatted(isValidKind, KIND),
    metadata: metadataSchema,
    spec: z.record(z.string(), z.unknown(), { error: 'an object' }).optional(),
    relations: z.unknown().optional(),
    status: z.unknown().optional(),
  },
  { error: DOCUMENT },
);

const OWNER = 'a reference to a Group or User, such as team-a or user:jane.doe';
const DEPENDENCY = 'a reference to a Component or Resource, such as resource:payments-db';
const DEPENDENCIES = 'a list of references to Components or Resources';

const profileSchema = z
  .looseObject(
    { displayName: text(NON_EMPTY).optional(), email: text(NON_EMPTY).optional(), picture: text(NON_EMPTY).optional() },
    { error: 'a mapping with displayName, email or picture' },
  )
  .optional();

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

/** `$text`, `$json` and `$yaml` stand for a file's content in Backstage; the reader keeps them as written. */
const apiDefinition = 'the API definition as a string, or a $text, $json or $yaml reference to a file';
const apiDefinitionSchema = z.union(
  [
    text(apiDefinition),
    z.strictObject({ $text: z.string() }),
    z.strictObject({ $json: z.string() }),
    z.strictObject({ $yaml: z.string() }),
  ],
  { error: apiDefinition },
);

const apiSpecSchema = z.looseObject({
  type: text('a string such as openapi, asyncapi, graphql or grpc'),
  lifecycle: text('a string such as production, experimental or deprecated'),
  owner: text(OWNER).optional(),
  definition: apiDefinitionSchema,
  system: text('a reference to a System, such as payments').optional(),
});

/**
 * `remotes` of the API spec types that expose endpoints instead of a definition (`mcp-server`, `ai-model-server`):
 * Backstage's `ApiRemote`, at least one, each with a transport type and a URL (for stdio transports a command).
 */
const REMOTES = 'a list of at least one remote, each with a type (such as streamable-http) and a url';
const remotesSchema = z
  .array(
    z.looseObject(
      {
        type: text('a string naming the transport, such as streamable-http, sse or stdio'),
        url: text('a string: the endpoint URL (for a stdio transport, the command)'),
      },
      { error: 'a mapping with a type and a url' },
    ),
    { error: REMOTES },
  )
  .min(1, { error: REMOTES });

/** `API.v1alpha1.mcp-server.schema.json` and `API.v1alpha1.ai-model-server.schema.json`: remotes, no definition. */
const remoteApiSpecSchema = z.looseObject({
  type: text('a string such as openapi, asyncapi, graphql or grpc'),
  lifecycle: text('a string such as production, experimental or deprecated'),
  owner: text(OWNER).optional(),
  remotes: remotesSchema,
  system: text('a reference to a System, such as payments').optional(),
});

const LIFECYCLE = 'a string such as production, experimental or deprecated';
const AI_RESOURCE_REFS = 'a list of references to AiResources, such as airesource:default/code-review';
const AI_RESOURCE_REF = 'a reference to an AiResource, such as code-review';
const STRINGS = 'a list of non-empty strings';

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

const resourceSpecSchema = z.looseObject({
  type: text('a string such as database, s3-bucket or kubernetes-cluster'),
  owner: text(OWNER).optional(),
  system: text('a reference to a System, such as payments').optional(),
  dependsOn: refList(DEPENDENCIES, DEPENDENCY).optional(),
  dependencyOf: refList(DEPENDENCIES, DEPENDENCY).optional(),
});

const systemSpecSchema = z.looseObject({
  owner: text(OWNER).optional(),
  domain: text('a reference to a Domain, such as commerce').optional(),
  type: text('a string such as product, service or feature-set').optional(),
});

const domainSpecSchema = z.looseObject({
  owner: text(OWNER),
  subdomainOf: text('a reference to a Domain, such as commerce').optional(),
  type: text('a string such as product-area, product-group or bundle').optional(),
});

const groupSpecSchema = z.looseObject({
  type: text('a string such as team, business-unit, product-area or root'),
  profile: profileSchema,
  parent: text('a reference to a Group, such as platform').optional(),
  children: refList('a list of references to Groups (it may be empty: [])', 'a reference to a Group, such as team-a'),
  members: refList('a list of references to Users', 'a reference to a User, such as jane.doe').optional(),
});

const userSpecSchema = z.looseObject({
  profile: profileSchema,
  memberOf: refList('a list of references to Groups (it may be empty: [])', 'a reference to a Group, such as team-a'),
});

const locationSpecSchema = z.looseObject({
  type: text('a string such as file or url').optional(),
  target: text('a path or URL, such as ./services/catalog-info.yaml').optional(),
  targets: refList('a list of paths or URLs', 'a path or URL, such as ./services/catalog-info.yaml').optional(),
  presence: z.enum(['required', 'optional'], { error: 'required or optional' }).optional(),
});

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

// ---------------------------------------------------------------------------------------------------------------
// Kinds

/** A spec field that names other entities, and the relation it declares (BuiltinKindsEntityProcessor). */
interface RefField {
  field: string;
  type: RelationType;
  /** Absent for dependsOn and dependencyOf: the reference must name its kind. */
  defaultKind?: string;
}

interface SpecRules {
  spec: z.ZodType;
  specExpectation: string;
  refFields: readonly RefField[];
}

interface KindRules extends SpecRules {
  apiVersions: readonly string[];
  /**
   * Rules that replace the kind's own for one `spec.type`, as Backstage's catalog model layers do with `specType`
   * (an `mcp-server` API has remotes instead of a definition).
   */
  specTypes?: Record<string, SpecRules>;
}

const BACKSTAGE_API_VERSIONS = ['backstage.io/v1alpha1', 'backstage.io/v1beta1'];
const OWNED_BY: RefField = { field: 'owner', type: 'ownedBy', defaultKind: 'Group' };
const IN_SYSTEM: RefField = { field: 'system', type: 'partOf', defaultKind: 'System' };
const DEPENDS_ON: RefField = { field: 'dependsOn', type: 'dependsOn' };
const DEPENDENCY_OF: RefField = { field: 'dependencyOf', type: 'dependencyOf' };
const AI_RESOURCE_FIELDS: readonly RefField[] = [OWNED_BY, IN_SYSTEM];

const KIND_RULES: Record<string, KindRules> = {
  Component: {
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
  },
  API: {
    apiVersions: BACKSTAGE_API_VERSIONS,
    spec: apiSpecSchema,
    specExpectation: 'an object with at least type, lifecycle and definition',
    refFields: [OWNED_BY, IN_SYSTEM],
    specTypes: {
      'mcp-server': {
        spec: remoteApiSpecSchema,
        specExpectation: 'an object with at least type, lifecycle and remotes',
        refFields: [OWNED_BY, IN_SYSTEM],
      },
      'ai-model-server': {
        spec: remoteApiSpecSchema,
        specExpectation: 'an object with at least type, lifecycle and remotes',
        refFields: [OWNED_BY, IN_SYSTEM],
      },
    },
  },
  AiResource: {
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
  },
  Resource: {
    apiVersions: BACKSTAGE_API_VERSIONS,
    spec: resourceSpecSchema,
    specExpectation: 'an object with at least type',
    refFields: [OWNED_BY, IN_SYSTEM, DEPENDS_ON, DEPENDENCY_OF],
  },
  System: {
    apiVersions: BACKSTAGE_API_VERSIONS,
    spec: systemSpecSchema,
    specExpectation: 'an object, e.g. with owner and domain',
    refFields: [OWNED_BY, { field: 'domain', type: 'partOf', defaultKind: 'Domain' }],
  },
  Domain: {
    apiVersions: BACKSTAGE_API_VERSIONS,
    spec: domainSpecSchema,
    specExpectation: 'an object with at least owner',
    refFields: [OWNED_BY, { field: 'subdomainOf', type: 'partOf', defaultKind: 'Domain' }],
  },
  Group: {
    apiVersions: BACKSTAGE_API_VERSIONS,
    spec: groupSpecSchema,
    specExpectation: 'an object with at least type and children (children may be [])',
    refFields: [
      { field: 'parent', type: 'childOf', defaultKind: 'Group' },
      { field: 'children', type: 'parentOf', defaultKind: 'Group' },
      { field: 'members', type: 'hasMember', defaultKind: 'User' },
    ],
  },
  User: {
    apiVersions: BACKSTAGE_API_VERSIONS,
    spec: userSpecSchema,
    specExpectation: 'an object with at least memberOf (it may be [])',
    refFields: [{ field: 'memberOf', type: 'memberOf', defaultKind: 'Group' }],
  },
  Location: {
    apiVersions: BACKSTAGE_API_VERSIONS,
    spec: locationSpecSchema,
    specExpectation: 'an object, e.g. with target or targets (it may be {})',
    refFields: [],
  },
  Template: {
    apiVersions: ['scaffolder.backstage.io/v1beta3'],
    spec: templateSpecSchema,
    specExpectation: 'an object with at least type and steps',
    refFields: [OWNED_BY],
  },
};

/**
 * The rules of a built-in kind, with the problems of its apiVersion and spec. Any other valid kind is a generic
 * entity with no rules, except a built-in kind spelled in another case, which would otherwise slip past its rules.
 */
function kindRulesOf(document: unknown): { rules?: KindRules; problems: Problem[] } {
  if (!isRecord(document) || typeof document.kind !== 'string') {
    return { problems: [] };
  }
  const kind = document.kind;
  const rules = KIND_RULES[kind];
  if (!rules) {
    const builtIn = Object.keys(KIND_RULES).find((known) => known.toLowerCase() === kind.toLowerCase());
    const problems = builtIn
      ? [{ field: 'kind', message: notValid('kind', `${builtIn} (kinds are case-sensitive)`, kind) }]
      : [];
    return { problems };
  }
  const specType = isRecord(document.spec) ? document.spec.type : undefined;
  const typed = typeof specType === 'string' ? rules.specTypes?.[specType] : undefined;
  const effective: KindRules = typed ? { ...rules, ...typed } : rules;
  return {
    rules: effective,
    problems: [
      ...apiVersionProblems(document.apiVersion, kind, effective),
      ...specProblems(document.spec, typed ? `${kind} of type ${specType}` : kind, effective),
    ],
  };
}

function apiVersionProblems(apiVersion: unknown, kind: string, rules: KindRules): Problem[] {
  if (!isValidApiVersion(apiVersion) || rules.apiVersions.includes(apiVersion as string)) {
    return [];
  }
  const expected = rules.apiVersions.join(' or ');
  return [
    {
      field: 'apiVersion',
      message: `"apiVersion" is not valid for kind ${kind}; expected ${expected} but found ${found(apiVersion)}.`,
    },
  ];
}

/** A missing spec is reported here; a spec that is not an object is already an envelope problem. */
function specProblems(spec: unknown, kind: string, rules: KindRules): Problem[] {
  if (spec === undefined) {
    return [{ field: 'spec', message: required('spec', rules.specExpectation, kind) }];
  }
  if (!isRecord(spec)) {
    return [];
  }
  const parsed = rules.spec.safeParse(spec, { reportInput: true });
  return parsed.success ? [] : problemsFromIssues(parsed.error.issues, ['spec'], kind);
}

// ---------------------------------------------------------------------------------------------------------------
// References and relations

interface RelationTarget {
  type: RelationType;
  target: EntityRef;
}

/**
 * Resolves each reference of the kind's ref fields with the field's default kind and the entity's namespace.
 * Values of the wrong type are skipped: the spec schema reports them.
 */
function resolveRefFields(document: unknown, rules: KindRules): { targets: RelationTarget[]; problems: Problem[] } {
  const spec = isRecord(document) && isRecord(document.spec) ? document.spec : {};
  const namespace = namespaceOf(document);
  const targets: RelationTarget[] = [];
  const problems: Problem[] = [];
  for (const refField of rules.refFields) {
    for (const { field, value } of refValues(spec[refField.field], `spec.${refField.field}`)) {
      const resolved = resolveRef(value, field, refField.defaultKind, namespace);
      if ('problem' in resolved) {
        problems.push(resolved.problem);
      } else {
        targets.push({ type: refField.type, target: resolved.ref });
      }
    }
  }
  return { targets, problems };
}

function refValues(value: unknown, field: string): { field: string; value: string }[] {
  if (typeof value === 'string') {
    return value ? [{ field, value }] : [];
  }
  if (!Array.isArray(value)) {
    return [];
  }
  return value.flatMap((item, index) =>
    typeof item === 'string' && item ? [{ field: `${field}[${index}]`, value: item }] : [],
  );
}

function resolveRef(
  value: string,
  field: string,
  defaultKind: string | undefined,
  namespace: string,
): { ref: EntityRef } | { problem: Problem } {
  const parts = splitEntityRef(value);
  if (!parts) {
    return {
      problem: {
        field,
        message: notValid(field, 'an entity reference of the form [<kind>:][<namespace>/]<name>', value),
      },
    };
  }
  const kind = parts.kind ?? defaultKind;
  if (!kind) {
    const example = `"component:${parts.name}" or "resource:${parts.name}"`;
    return {
      problem: { field, message: notValid(field, `a reference that names its kind, such as ${example}`, value) },
    };
  }
  return { ref: stringifyEntityRef({ kind, namespace: parts.namespace ?? namespace, name: parts.name }) };
}

/** Each declared relation twice: forward from this entity, and the reverse pair pointing back at it. */
function relationsOf(self: EntityRef, targets: readonly RelationTarget[]): Relation[] {
  const relations = new Map<string, Relation>();
  for (const { type, target } of targets) {
    for (const relation of [
      { source: self, type, target },
      { source: target, type: RELATION_PAIRS[type], target: self },
    ]) {
      relations.set(`${relation.source} ${relation.type} ${relation.target}`, relation);
    }
  }
  return [...relations.values()];
}

// ---------------------------------------------------------------------------------------------------------------
// The entity

function createProcessedEntity(
  envelope: EntityEnvelope,
  targets: readonly RelationTarget[],
  source: SourcePosition,
): ProcessedEntity {
  const namespace = envelope.metadata.namespace ?? DEFAULT_NAMESPACE;
  const ref = stringifyEntityRef({ kind: envelope.kind, namespace, name: envelope.metadata.name });
  const relations = relationsOf(ref, targets);
  return {
    ref,
    kind: envelope.kind,
    namespace,
    name: envelope.metadata.name,
    envelope,
    relations,
    source,
    hash: hashOf({ envelope, relations, source }),
  };
}

/** sha-256 of JSON with sorted keys, so that key order in the YAML never changes the hash. */
function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(',')}]`;
  }
  if (isRecord(value)) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The ref a failed document would have had, when it names a kind and a name. */
function attemptedRefOf(document: unknown): EntityRef | undefined {
  if (!isRecord(document) || !isRecord(document.metadata)) {
    return undefined;
  }
  const { kind } = document;
  const { name } = document.metadata;
  if (typeof kind !== 'string' || !kind || typeof name !== 'string' || !name) {
    return undefined;
  }
  return stringifyEntityRef({ kind, namespace: namespaceOf(document), name });
}

function namespaceOf(document: unknown): string {
  const namespace = isRecord(document) && isRecord(document.metadata) ? document.metadata.namespace : undefined;
  return typeof namespace === 'string' && namespace ? namespace : DEFAULT_NAMESPACE;
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

type Problem = { field?: string; message: string };

/** Turns zod issues, whose message is the expectation, into FieldFormatEntityPolicy-style messages. */
function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[],
  kind?: string,
): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: key,
        message: `"${key}" is not a known root field; expected only ${ROOT_FIELDS}.`,
      }));
    }
    if (path.length === 0) {
      return [{ message: `The document is not valid; expected ${issue.message} but found ${found(issue.input)}.` }];
    }
    const field = fieldPath(path);
    if (issue.code === 'invalid_key') {
      return [{ field, message: notValid(field, issue.issues[0]?.message ?? KEY, issue.input) }];
    }
    if (issue.input === undefined) {
      return [{ field, message: required(field, issue.message, kind) }];
    }
    if (issue.input === null) {
      return [{ field, message: `"${field}" is empty; expected ${issue.message}.` }];
    }
    return [{ field, message: notValid(field, issue.message, issue.input) }];
  });
}

function notValid(field: string, expectation: string, value: unknown): string {
  return `"${field}" is not valid; expected ${expectation} but found ${found(value)}.`;
}

function required(field: string, expectation: string, kind?: string): string {
  return `"${field}" is required${kind ? ` for kind ${kind}` : ''}; expected ${expectation}.`;
}

/** The offending value as JSON, cut short so that a pasted file never floods a chat message. */
function found(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return truncate(json, 100);
}

/** `spec.dependsOn[1]`, `metadata.annotations.backstage.io/techdocs-ref`: keys are shown as written. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') {
        return `[${segment}]`;
      }
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isValidUrl(value: string): boolean {
  return URL.canParse(value);
}

/** Backstage's `CommonValidatorFunctions.isValidString`: a string with something other than whitespace. */
function isValidString(value: string): boolean {
  return value.trim().length >= 1;
}
