/**
 * What is wrong with a template file, collected while it loads, and the error that carries them. A template that
 * loads runs: everything Wayfinder cannot honour (an unknown `ui:field`, a secret, an unknown action, a bad action
 * input) is refused here, naming the file, the key path and what is supported.
 */
import { InputError } from '../core/errors.ts';
import { wordList } from '../core/text.ts';

export interface LoadProblem {
  /** Key path in the file, e.g. `spec.parameters[0].properties.token.ui:field`. */
  path: string;
  /** What is wrong and what is supported, as a sentence. */
  message: string;
}

/** Collects problems at key paths below a prefix. */
export class LoadProblems {
  readonly list: LoadProblem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }
}

/** A template that cannot be loaded: `file` (a path or URL) and every problem found, one a line. */
export class TemplateLoadError extends InputError {
  constructor(
    readonly file: string,
    readonly problems: readonly LoadProblem[],
  ) {
    super(
      `${file} cannot be loaded:\n${problems.map((problem) => `  ${problem.path ? `${problem.path}: ` : ''}${problem.message}`).join('\n')}`,
    );
  }
}

/** `a.b` from a path and a key; `a["x y"]` for a key that is not a plain name. */
export function keyPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!/^[A-Za-z_$][\w$:-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/** One of several values, for messages: `a, b or c`. */
export function oneOf(values: readonly string[]): string {
  return wordList(values, 'or');
}
