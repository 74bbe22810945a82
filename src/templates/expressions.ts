/**
 * `${{ }}` expressions, rendered by Nunjucks configured as Backstage's `SecureTemplater` configures it
 * (`plugins/scaffolder-backend/src/lib/templating/SecureTemplater.ts`): `autoescape: false`, variable tags `${{` and
 * `}}` (block `{% %}` and comment `{# #}` tags as Nunjucks has them), and the filters of `filters.ts`.
 *
 * Values keep their types as in Backstage's `NunjucksWorkflowRunner.render`: a string that is one lone expression
 * (`${{ parameters.count }}`) is rendered through `| dump` and parsed back, so a number stays a number and a list a
 * list; any other string renders to a string; an empty result is `undefined`.
 *
 * Backstage runs Nunjucks inside isolated-vm. Wayfinder runs it in-process and instead refuses, at load and at render,
 * any expression that names `constructor`, `prototype` or `__proto__`, the routes out of Nunjucks' context.
 */
import nunjucks from 'nunjucks';
import { InputError } from '../core/errors.ts';
import { TEMPLATE_FILTERS } from './filters.ts';

const TAGS = { variableStart: '${{', variableEnd: '}}' };

/** Names that lead from a template value to JavaScript's functions; refused in any expression. */
const ESCAPES = /\b(constructor|prototype|__proto__)\b/;

/** What expressions may read: `parameters`, `steps`, `user`, `each`, `values` (skeleton files), `secrets`... */
export type ExpressionContext = Readonly<Record<string, unknown>>;

function createEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, tags: TAGS });
  for (const [name, filter] of Object.entries(TEMPLATE_FILTERS)) {
    env.addFilter(name, (...args: unknown[]) => filter(...args));
  }
  return env;
}

const environment = createEnvironment();

interface NunjucksParser {
  parse(src: string, extensions: object, options: object): { children: { children?: unknown[] }[] };
}
const internals = nunjucks as unknown as { parser: NunjucksParser; nodes: { TemplateData: new () => unknown } };

/** True when `text` holds an expression or a Nunjucks tag, i.e. rendering may change it. */
export function hasExpression(text: string): boolean {
  return text.includes('${{') || text.includes('{%') || text.includes('{#');
}

/** True when `text` is a single `${{ … }}` and nothing else (Backstage's `isSingleTemplateString`). */
export function isSingleExpression(text: string): boolean {
  const parsed = internals.parser.parse(text, {}, { autoescape: false, tags: TAGS });
  return parsed.children.length === 1 && !(parsed.children[0]?.children?.[0] instanceof internals.nodes.TemplateData);
}

/**
 * Checks that `text` compiles; returns the problem as a sentence, or undefined. Used at load time so a broken
 * expression is refused before anyone fills in a form.
 */
export function expressionProblem(text: string): string | undefined {
  if (!hasExpression(text)) return undefined;
  const named = ESCAPES.exec(text);
  if (named) return `it names "${named[1]}", which expressions may not use`;
  try {
    // Syntax errors show when compiling; an unknown filter only when rendering (other render errors come from
    // values missing at load time and are fine).
    const compiled = new nunjucks.Template(text, environment, undefined, true);
    try {
      compiled.render({});
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const unknown = /filter not found: (\S+)/.exec(message);
      if (unknown) {
        return `it uses the filter "${unknown[1]}", which is not one of ${Object.keys(TEMPLATE_FILTERS).join(', ')} or Nunjucks' built-in filters`;
      }
    }
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `it does not compile: ${message
      .replace(/^\(unknown path\)\s*/, '')
      .replace(/\s+/g, ' ')
      .trim()}`;
  }
}

/** Renders `text` to a string. Throws InputError (with Nunjucks' reason) when it cannot. */
export function renderString(text: string, context: ExpressionContext): string {
  if (!hasExpression(text)) return text;
  refuseEscapes(text);
  try {
    return environment.renderString(text, { ...context });
  } catch (error) {
    const cause = error instanceof Error ? error : undefined;
    const reason = (cause?.message ?? String(error)).replace(/^\(unknown path\)\s*/, '').replace(/\s+/g, ' ');
    throw new InputError(`Could not render ${JSON.stringify(text)}: ${reason.trim()}`, { cause: error });
  }
}

function refuseEscapes(text: string): void {
  const named = ESCAPES.exec(text);
  if (named) throw new InputError(`Expression ${JSON.stringify(text)} names "${named[1]}", which is not allowed.`);
}

/** Renders one string keeping the type of a lone expression; '' becomes undefined, as in Backstage. */
function renderTyped(text: string, context: ExpressionContext): unknown {
  if (!hasExpression(text)) return text;
  refuseEscapes(text);
  if (text.includes('${{') && isSingleExpression(text)) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${{ }} is the Nunjucks syntax of templates, not a JavaScript placeholder.
    const dumped = renderString(text.replace(/\$\{\{(.+)\}\}/gs, '${{ ( $1 ) | dump }}'), context);
    if (dumped === '') return undefined;
    try {
      return JSON.parse(dumped);
    } catch {
      // Not JSON after all (a value dump cannot write): fall back to the plain rendering, as Backstage does.
    }
  }
  const rendered = renderString(text, context);
  return rendered === '' ? undefined : rendered;
}

/**
 * Renders every string in `value` (objects and arrays recursively), keeping lone expressions' types. Keys whose
 * value renders to undefined are dropped, as JSON would. Throws InputError naming the key path of a string that
 * cannot be rendered.
 */
export function renderValue(value: unknown, context: ExpressionContext, path = ''): unknown {
  if (typeof value === 'string') {
    try {
      return renderTyped(value, context);
    } catch (error) {
      if (!(error instanceof InputError) || !path) throw error;
      throw new InputError(`${path}: ${error.message}`, { cause: error });
    }
  }
  if (Array.isArray(value)) return value.map((item, index) => renderValue(item, context, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    const rendered: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const result = renderValue(item, context, path ? `${path}.${key}` : key);
      if (result !== undefined) rendered[key] = result;
    }
    return rendered;
  }
  return value;
}

/** Backstage's `isTruthy` for `if:`: false, undefined, null, '', 0 and [] are false. */
export function isTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return Boolean(value);
}

/** Every string below `value` that holds an expression, with its key path (`spec.steps[1].input.url`). */
export function collectExpressions(value: unknown, path: string): { path: string; text: string }[] {
  if (typeof value === 'string') return hasExpression(value) ? [{ path, text: value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => collectExpressions(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => collectExpressions(item, path ? `${path}.${key}` : key));
  }
  return [];
}
