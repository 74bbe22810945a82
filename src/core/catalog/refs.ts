/**
 * Entity references and the field validators of Backstage's catalog model, with the same regexes and lengths
 * (`packages/catalog-model/src/entity/ref.ts`, `validation/KubernetesValidatorFunctions.ts`,
 * `validation/CommonValidatorFunctions.ts`; shared/reference/backstage.md §1.2 and §1.4).
 * Validators take `unknown` and answer false for anything that is not a string, as Backstage's do.
 */
import { InputError } from '../errors.ts';
import type { CompoundEntityRef, EntityRef } from './types.ts';

/** The namespace of an entity, or of a reference, that names none. */
export const DEFAULT_NAMESPACE = 'default';

/** A reference in compound form whose kind and namespace may be left to the defaults. */
export type PartialEntityRef = { kind?: string; namespace?: string; name: string };

export interface EntityRefContext {
  /** The kind when the reference names none (per field: `spec.owner` is a Group, `spec.system` a System, ...). */
  defaultKind?: string;
  /** The namespace when the reference names none; usually the referencing entity's own. Default `default`. */
  defaultNamespace?: string;
}

const REF_FORM = '[<kind>:][<namespace>/]<name>';

/**
 * Splits `[<kind>:][<namespace>/]<name>` into its parts, keeping their case. A `/` before the first `:` means
 * the colon belongs to the name (Backstage's rule). Undefined when a part that is present is empty (`group:`, `:x`).
 */
export function splitEntityRef(ref: string): PartialEntityRef | undefined {
  const slash = ref.indexOf('/');
  let colon = ref.indexOf(':');
  if (slash !== -1 && slash < colon) {
    colon = -1;
  }
  const kind = colon === -1 ? undefined : ref.slice(0, colon);
  const namespace = slash === -1 ? undefined : ref.slice(colon + 1, slash);
  const name = ref.slice(Math.max(colon + 1, slash + 1));
  if (kind === '' || namespace === '' || name === '') {
    return undefined;
  }
  return { kind, namespace, name };
}

/**
 * Parses a reference in string or compound form and fills in the context's defaults; the parts keep their case.
 * Throws InputError when the reference is malformed, or when it names no kind and the context gives none.
 */
export function parseEntityRef(ref: string | PartialEntityRef, context: EntityRefContext = {}): CompoundEntityRef {
  if (!ref) {
    throw new InputError(`Entity reference must not be empty; expected ${REF_FORM}.`);
  }
  const textual = JSON.stringify(ref);
  const parts = typeof ref === 'string' ? splitEntityRef(ref) : ref;
  if (!parts) {
    throw new InputError(`Entity reference ${textual} is not valid; expected ${REF_FORM} with no empty part.`);
  }
  const kind = parts.kind ?? context.defaultKind;
  const namespace = parts.namespace ?? (context.defaultNamespace || DEFAULT_NAMESPACE);
  if (!kind) {
    throw new InputError(
      `Entity reference ${textual} has no kind; expected ${REF_FORM} with the kind given, e.g. "component:${parts.name}".`,
    );
  }
  if (!namespace) {
    throw new InputError(`Entity reference ${textual} has an empty namespace; expected ${REF_FORM}.`);
  }
  if (!parts.name) {
    throw new InputError(`Entity reference ${textual} has no name; expected ${REF_FORM}.`);
  }
  return { kind, namespace, name: parts.name };
}

/** The canonical form `kind:namespace/name`, all lowercase, with namespace `default` when none is given. */
export function stringifyEntityRef(ref: PartialEntityRef & { kind: string }): EntityRef {
  const namespace = ref.namespace ?? DEFAULT_NAMESPACE;
  return `${lower(ref.kind)}:${lower(namespace)}/${lower(ref.name)}`;
}

function lower(value: string): string {
  return value.toLocaleLowerCase('en-US');
}

/** `metadata.name`, link icons, and the name part of label and annotation keys. */
export function isValidObjectName(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    value.length >= 1 &&
    value.length <= 63 &&
    /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(value)
  );
}

/** A DNS label (RFC 1123): lowercase only, although Backstage's docs call namespaces case-insensitive. */
export function isValidNamespace(value: unknown): boolean {
  return isValidDnsLabel(value);
}

export function isValidKind(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && /^[a-zA-Z][a-z0-9A-Z]*$/.test(value);
}

/** `[<dns-subdomain>/]<suffix>`, the suffix `[a-zA-Z0-9]` only, at most 63 characters; e.g. `backstage.io/v1alpha1`. */
export function isValidApiVersion(value: unknown): boolean {
  return isValidPrefixAndOrSuffix(
    value,
    isValidDnsSubdomain,
    (suffix) => suffix.length >= 1 && suffix.length <= 63 && /^[a-z0-9A-Z]+$/.test(suffix),
  );
}

/** `[<dns-subdomain>/]<object-name>`, e.g. `backstage.io/techdocs-ref`. */
export function isValidLabelKey(value: unknown): boolean {
  return isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, isValidObjectName);
}

/** Empty, or an object name. */
export function isValidLabelValue(value: unknown): boolean {
  return value === '' || isValidObjectName(value);
}

/** Same rule as label keys. */
export function isValidAnnotationKey(value: unknown): boolean {
  return isValidPrefixAndOrSuffix(value, isValidDnsSubdomain, isValidObjectName);
}

/** Lowercase `[a-z0-9:+#]` sequences separated by `-`, at most 63 characters (Backstage's current tag rule). */
export function isValidTag(value: unknown): boolean {
  return (
    typeof value === 'string' && value.length >= 1 && value.length <= 63 && /^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$/.test(value)
  );
}

function isValidDnsLabel(value: unknown): boolean {
  return typeof value === 'string' && value.length >= 1 && value.length <= 63 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(value);
}

function isValidDnsSubdomain(value: string): boolean {
  return value.length >= 1 && value.length <= 253 && value.split('.').every(isValidDnsLabel);
}

/** `<suffix>` or `<prefix>/<suffix>`; more than one `/` is never valid. */
function isValidPrefixAndOrSuffix(
  value: unknown,
  isValidPrefix: (prefix: string) => boolean,
  isValidSuffix: (suffix: string) => boolean,
): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  const [first = '', second, ...rest] = value.split('/');
  if (rest.length > 0) {
    return false;
  }
  return second === undefined ? isValidSuffix(first) : isValidPrefix(first) && isValidSuffix(second);
}
