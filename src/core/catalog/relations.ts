/**
 * The relations a descriptor declares through its spec's reference fields (Backstage's BuiltinKindsEntityProcessor),
 * each stored in both directions.
 */
import type { KindRules } from './kinds/kind-rules.ts';
import { notValid, type Problem } from './messages.ts';
import { isRecord, namespaceOf } from './raw-document.ts';
import { splitEntityRef, stringifyEntityRef } from './refs.ts';
import type { EntityRef, Relation, RelationType } from './types.ts';
import { RELATION_PAIRS } from './types.ts';

export interface RelationTarget {
  type: RelationType;
  target: EntityRef;
}

/**
 * Resolves each reference of the kind's ref fields with the field's default kind and the entity's namespace.
 * Values of the wrong type are skipped: the spec schema reports them.
 */
export function resolveRefFields(
  document: unknown,
  rules: KindRules,
): { targets: RelationTarget[]; problems: Problem[] } {
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
export function relationsOf(self: EntityRef, targets: readonly RelationTarget[]): Relation[] {
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
