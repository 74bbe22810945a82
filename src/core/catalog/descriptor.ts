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
 * The parts live beside it: the envelope in `envelope.ts`, one file per kind under `kinds/` (as Backstage's
 * `catalog-model/src/kinds/`), the relations in `relations.ts` and the wording in `messages.ts`.
 */
import { createHash } from 'node:crypto';
import { wordList } from '../text.ts';
import { ANNOTATIONS, botNotifyProblem } from './annotations.ts';
import { envelopeSchema } from './envelope.ts';
import { KIND_RULES } from './kinds/index.ts';
import type { KindRules } from './kinds/kind-rules.ts';
import { locationSpecSchema } from './kinds/location.ts';
import { found, notValid, type Problem, problemsFromIssues, required } from './messages.ts';
import { attemptedRefOf, isRecord } from './raw-document.ts';
import { DEFAULT_NAMESPACE, isValidApiVersion, isValidKind, stringifyEntityRef } from './refs.ts';
import { type RelationTarget, relationsOf, resolveRefFields } from './relations.ts';
import type { EntityEnvelope, EntityRef, IngestError, ProcessedEntity, SourcePosition } from './types.ts';

/** `warnings` (flagged `warning: true`) name problems that do not stop the entity, such as a bad channel annotation. */
export type ProcessDocumentResult =
  | { ok: true; entity: ProcessedEntity; warnings: IngestError[] }
  | { ok: false; errors: IngestError[] };

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
  const entity = createProcessedEntity(envelope, targets.targets, position);
  const botNotify = metadata.annotations?.[ANNOTATIONS.slackBotNotify];
  const problem = botNotify === undefined ? undefined : botNotifyProblem(botNotify);
  const warnings: IngestError[] = problem
    ? [
        {
          location: position.location,
          line: position.line,
          field: `metadata.annotations.${ANNOTATIONS.slackBotNotify}`,
          message: problem,
          entityRef: entity.ref,
          warning: true,
        },
      ]
    : [];
  return { ok: true, entity, warnings };
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
      reason: `${opening}: Wayfinder does not read kind ${kind}; it reads ${wordList(kinds)}. The document was skipped.`,
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
// Kinds

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
