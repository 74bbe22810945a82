/**
 * The wording of descriptor validation, as Backstage's FieldFormatEntityPolicy words it: every message names the field
 * path, what was expected and, when something was there, what was found. The expectations are the text after
 * "expected"; zod issues carry them as their message.
 */
import type { z } from 'zod';
import { truncate } from '../text.ts';

export const NAME =
  'a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total';
export const NAMESPACE = 'a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total';
export const KIND = 'a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total';
export const API_VERSION =
  'a string such as backstage.io/v1alpha1: an optional DNS-subdomain prefix and "/", then [a-zA-Z0-9], at most 63 characters';
export const KEY =
  'a key that is an optional DNS-subdomain prefix and "/", then sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters';
export const LABEL_VALUE =
  'a string that is empty or sequences of [a-zA-Z0-9] separated by any of [-_.], at most 63 characters in total';
export const ANNOTATION_VALUE = 'a string (in YAML, quote values such as "true" or "123")';
export const TAG = 'a string that is sequences of [a-z0-9:+#] separated by [-], at most 63 characters in total';
export const NON_EMPTY = 'a non empty string';
export const DOCUMENT = 'a mapping with apiVersion, kind, metadata and spec';
const ROOT_FIELDS = 'apiVersion, kind, metadata and spec (relations and status are output-only and ignored)';

// Spec fields several kinds share.
export const OWNER = 'a reference to a Group or User, such as team-a or user:jane.doe';
export const DEPENDENCY = 'a reference to a Component or Resource, such as resource:payments-db';
export const DEPENDENCIES = 'a list of references to Components or Resources';
export const LIFECYCLE = 'a string such as production, experimental or deprecated';
export const STRINGS = 'a list of non-empty strings';

export type Problem = { field?: string; message: string };

/** Turns zod issues, whose message is the expectation, into FieldFormatEntityPolicy-style messages. */
export function problemsFromIssues(
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

export function notValid(field: string, expectation: string, value: unknown): string {
  return `"${field}" is not valid; expected ${expectation} but found ${found(value)}.`;
}

export function required(field: string, expectation: string, kind?: string): string {
  return `"${field}" is required${kind ? ` for kind ${kind}` : ''}; expected ${expectation}.`;
}

/** The offending value as JSON, cut short so that a pasted file never floods a chat message. */
export function found(value: unknown): string {
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
