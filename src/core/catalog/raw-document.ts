/** What can be read from a descriptor document before it is validated: it may be anything YAML or JSON allows. */
import { DEFAULT_NAMESPACE, stringifyEntityRef } from './refs.ts';
import type { EntityRef } from './types.ts';

/** The ref a failed document would have had, when it names a kind and a name. */
export function attemptedRefOf(document: unknown): EntityRef | undefined {
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

export function namespaceOf(document: unknown): string {
  const namespace = isRecord(document) && isRecord(document.metadata) ? document.metadata.namespace : undefined;
  return typeof namespace === 'string' && namespace ? namespace : DEFAULT_NAMESPACE;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
