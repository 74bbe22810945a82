/** Text for `wayfinder templates list|validate|preview`: templates, load problems and dry runs as people read them. */
import type { ParameterErrors, ParameterField, StepPlan, TemplateSummary } from '../core/ports/template-engine.ts';
import type { TemplateLoadError } from './load-problems.ts';

/** One line per template, recommended ones marked: `★ new-service  New service — A GitHub repository…`. */
export function formatTemplateList(
  templates: readonly TemplateSummary[],
  failures: readonly TemplateLoadError[],
): string {
  const lines = templates.map(
    (template) =>
      `${template.recommended ? '★' : ' '} ${template.name.padEnd(24)} ${template.title}${template.description ? ` — ${template.description}` : ''}`,
  );
  if (templates.length === 0) lines.push('No templates. Add <name>/template.yaml under WAYFINDER_TEMPLATES_DIR.');
  for (const failure of failures) lines.push('', failure.message);
  return lines.join('\n');
}

/**
 * `--set key=value` pairs as typed values for `fields`: numbers for number and integer fields (text
 * that is no number stays text, for the check to quote), true/false for
 * booleans, comma-separated lists for arrays, text otherwise. Returns the keys no field has (to refuse).
 */
export function parseSetValues(
  pairs: readonly string[],
  fields: readonly ParameterField[],
): { values: Record<string, unknown>; unknown: string[]; malformed: string[] } {
  const types = new Map(fields.map((field) => [field.name, field.type]));
  const values: Record<string, unknown> = {};
  const unknown: string[] = [];
  const malformed: string[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      malformed.push(pair);
      continue;
    }
    const key = pair.slice(0, at);
    const text = pair.slice(at + 1);
    const type = types.get(key);
    if (!type) unknown.push(key);
    else if (type === 'number' || type === 'integer') {
      // Text that is no number stays text, so the check quotes what was typed ("abc"), not NaN shown as null.
      const number = text.trim() === '' ? Number.NaN : Number(text);
      values[key] = Number.isFinite(number) ? number : text;
    } else if (type === 'boolean') values[key] = text === 'true' ? true : text === 'false' ? false : text;
    else if (type === 'array')
      values[key] = text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    else values[key] = text;
  }
  return { values, unknown, malformed };
}

export function formatParameterErrors(page: number, title: string | undefined, errors: ParameterErrors): string {
  return [`Page ${page + 1}${title ? ` (${title})` : ''}:`, ...Object.values(errors).map((error) => `  ${error}`)].join(
    '\n',
  );
}

/** The dry run: each step with its rendered input (YAML-like JSON) and the files it would write. */
export function formatPlan(plan: readonly StepPlan[]): string {
  const lines: string[] = [];
  plan.forEach((step, index) => {
    lines.push(
      `${index + 1}. ${step.name} (${step.action})${step.runs ? '' : ' — skipped: its if condition is false'}`,
    );
    for (const line of JSON.stringify(step.input, null, 2).split('\n')) lines.push(`     ${line}`);
    if (step.problem) lines.push(`     cannot run: ${step.problem}`);
    if (step.files) {
      lines.push(`     writes ${step.files.length} file(s):`);
      for (const file of step.files) lines.push(`       ${file}`);
    }
  });
  return lines.join('\n');
}
