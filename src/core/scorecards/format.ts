/**
 * The scorecard file format (`scorecards/*.yaml`), validated with zod. One file holds one scorecard:
 *
 *     id: production-readiness          # lowercase letters, digits and -, unique across files
 *     title: Production readiness
 *     owner: group:default/platform     # who maintains it (an entity ref)
 *     description: …                    # optional
 *     appliesTo:                        # every key optional; each list matches any of its values (case-insensitive)
 *       kind: [Component]
 *       type: [service]
 *       lifecycle: [production]
 *       tags: [tier-1]                  # the entity has at least one of these tags
 *       system: [payments]
 *     levels: [Bronze, Silver, Gold]    # ordered, lowest first
 *     rules:
 *       - id: has-owner
 *         level: Bronze
 *         title: Has an owner in the catalog
 *         why: Someone must answer when it breaks.
 *         fix: { text: Set spec.owner to a Group., link: https://backstage.io/docs/… }
 *         check: { fact: owner.exists, operator: equals, value: true }
 *       - id: on-call
 *         level: Silver
 *         …
 *         check: { any: [{ fact: oncall, operator: exists }, { fact: annotation:opsgenie.com/team, operator: exists }] }
 *     exemptions:
 *       - { entity: component:default/legacy, rule: on-call, reason: Retiring in Q1, expires: 2026-03-31 }
 *
 * Operators: `exists` (no value), `equals` (a string, number or boolean), `in` (a list), `<` `<=` `>` `>=` (a number),
 * `matches` (a regular expression, JavaScript syntax); `all` and `any` combine checks. An entity's level is the highest
 * level whose rules, and every rule of the levels below it, pass (Tech Insights' maturity ranks, Soundcheck's
 * certification levels; shared/reference/backstage.md §4).
 */
import { z } from 'zod';
import { parseEntityRef } from '../catalog/refs.ts';
import { factNamed } from './facts.ts';

export const OPERATORS = ['exists', 'equals', 'in', '<', '<=', '>', '>=', 'matches'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Check =
  | { fact: string; operator: Operator; value?: string | number | boolean | readonly (string | number)[] }
  | { all: readonly Check[] }
  | { any: readonly Check[] };

export interface Rule {
  id: string;
  /** The level's name, one of the scorecard's `levels`. */
  level: string;
  title: string;
  why: string;
  fix: { text: string; link?: string };
  check: Check;
}

export interface Exemption {
  /** Canonical ref, lowercase (`component:default/legacy`). */
  entity: string;
  rule: string;
  reason: string;
  /** `YYYY-MM-DD`; the exemption holds through that day (UTC). */
  expires: string;
}

export interface AppliesTo {
  kind?: readonly string[];
  type?: readonly string[];
  lifecycle?: readonly string[];
  tags?: readonly string[];
  system?: readonly string[];
}

export interface Scorecard {
  id: string;
  title: string;
  owner: string;
  description?: string;
  appliesTo: AppliesTo;
  levels: readonly string[];
  rules: readonly Rule[];
  exemptions: readonly Exemption[];
}

/** One problem with a scorecard file: the key path (`rules[2].check.operator`) and what was expected. */
export interface ScorecardProblem {
  path: string;
  /** The same path as keys (`['rules', 2, 'check', 'operator']`), to find it in the file. */
  keys: readonly (string | number)[];
  message: string;
}

const nonEmpty = (what: string) =>
  z
    .string({ error: `expected ${what}` })
    .trim()
    .min(1, { error: `expected ${what}, not an empty string` });
const stringList = (what: string) =>
  z
    .union([nonEmpty(what).transform((value) => [value]), z.array(nonEmpty(what))], {
      error: `expected ${what} or a list of them`,
    })
    .optional();

const scalar = z.union([z.string(), z.number(), z.boolean()], { error: 'expected a string, number or boolean' });

const FactCheckSchema = z.strictObject({
  fact: nonEmpty('a fact name such as owner.exists'),
  operator: z.enum(OPERATORS, {
    error: (issue) => `expected one of ${OPERATORS.join(', ')} but found ${JSON.stringify(issue.input) ?? 'nothing'}`,
  }),
  value: z.union([scalar, z.array(z.union([z.string(), z.number()]))]).optional(),
});

/**
 * A check is chosen by its keys (`all`, `any`, else a fact check), so that a mistake inside one is reported at its own
 * path (`check.operator: expected one of …`) rather than as "matches none of three shapes".
 */
const CheckSchema: z.ZodType<Check> = z.lazy(() =>
  z.unknown().transform((value, context) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      context.addIssue({
        code: 'custom',
        message: 'expected a check: {fact, operator, value}, {all: [checks]} or {any: [checks]}',
      });
      return z.NEVER;
    }
    const schema =
      'all' in value
        ? z.strictObject({
            all: z.array(CheckSchema, { error: 'expected a list of checks' }).min(1, 'expected at least one check'),
          })
        : 'any' in value
          ? z.strictObject({
              any: z.array(CheckSchema, { error: 'expected a list of checks' }).min(1, 'expected at least one check'),
            })
          : FactCheckSchema;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data as Check;
    for (const issue of parsed.error.issues) {
      context.addIssue({ code: 'custom', message: issueMessage(issue), path: [...issue.path] });
    }
    return z.NEVER;
  }),
);

const RuleSchema = z.strictObject({
  id: z.string({ error: 'expected a rule id' }).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    error: 'expected a rule id of lowercase letters and digits separated by -, such as has-owner',
  }),
  level: nonEmpty('the name of one of the levels'),
  title: nonEmpty('a title'),
  why: nonEmpty('why the rule matters'),
  fix: z.strictObject(
    {
      text: z
        .string({ error: 'expected text: how to fix it, in words (text is required; link is optional)' })
        .trim()
        .min(1, { error: 'expected text: how to fix it, in words, not an empty string' }),
      link: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).optional(),
    },
    { error: (issue) => fixShapeMessage(issue.input) },
  ),
  check: CheckSchema,
});

/** What `fix` must be, said for what was found instead (nothing, or the text alone). */
function fixShapeMessage(found: unknown): string {
  const shape = '{ text: how to fix it, link: an http(s) URL }, where text is required and link optional';
  if (found === undefined) return `missing; expected ${shape}`;
  if (typeof found === 'string')
    return `expected ${shape}, but found text alone; write fix: { text: ${JSON.stringify(found)} }`;
  return `expected ${shape}`;
}

const ExemptionSchema = z.strictObject({
  entity: nonEmpty('an entity ref such as component:default/legacy'),
  rule: nonEmpty('a rule id'),
  reason: nonEmpty('why the entity is exempt'),
  expires: z
    .union([z.string(), z.date().transform((date) => date.toISOString().slice(0, 10))])
    .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as YYYY-MM-DD' })),
});

const ScorecardSchema = z.strictObject({
  id: z.string({ error: 'expected an id' }).regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, {
    error: 'expected an id of lowercase letters and digits separated by -, such as production-readiness',
  }),
  title: nonEmpty('a title'),
  owner: nonEmpty('an entity ref such as group:default/platform'),
  description: z.string().optional(),
  appliesTo: z
    .strictObject({
      kind: stringList('a kind'),
      type: stringList('a type'),
      lifecycle: stringList('a lifecycle'),
      tags: stringList('a tag'),
      system: stringList('a system name'),
    })
    .optional(),
  levels: z.array(nonEmpty('a level name'), { error: 'expected a list of level names, lowest first' }).min(1, {
    error: 'expected at least one level',
  }),
  rules: z.array(RuleSchema, { error: 'expected a list of rules' }).min(1, { error: 'expected at least one rule' }),
  exemptions: z.array(ExemptionSchema, { error: 'expected a list of exemptions' }).optional(),
});

/**
 * Validates one parsed scorecard file (the YAML already read into plain data). Returns the scorecard, or every problem
 * found in one pass with its key path and what was expected: shape (zod) and meaning (a rule's level among `levels`,
 * unique ids, known facts, a value fit for its operator, a regular expression that compiles, an exemption naming a rule
 * and a valid entity ref). Meaning is checked on every part whose own shape is right, even when another part's is not,
 * so one run of `wayfinder scorecards validate` lists everything to fix.
 */
export function parseScorecard(
  data: unknown,
): { ok: true; scorecard: Scorecard } | { ok: false; problems: ScorecardProblem[] } {
  const parsed = ScorecardSchema.safeParse(data);
  const problems: ScorecardProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => problem(issue.path as (string | number)[], issueMessage(issue)));
  const shapeAt = new Set(problems.map((found) => found.path));
  for (const found of meaningProblems(data)) {
    // A part whose shape is wrong is reported once, for its shape.
    if (!shapeAt.has(found.path)) problems.push(found);
  }
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  const value = parsed.data;
  const rules: Rule[] = value.rules.map((rule) => ({
    ...rule,
    level: value.levels.find((name) => name.toLowerCase() === rule.level.toLowerCase()) ?? rule.level,
  }));
  const exemptions: Exemption[] = (value.exemptions ?? []).map((exemption) => {
    const ref = parseEntityRef(exemption.entity);
    return { ...exemption, entity: `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase() };
  });
  return {
    ok: true,
    scorecard: {
      id: value.id,
      title: value.title,
      owner: value.owner,
      ...(value.description ? { description: value.description } : {}),
      appliesTo: value.appliesTo ?? {},
      levels: value.levels,
      rules,
      exemptions,
    },
  };
}

function problem(keys: readonly (string | number)[], message: string): ScorecardProblem {
  return { path: formatPath(keys), keys, message };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The problems of meaning in raw scorecard data, each part checked when its own shape allows: duplicate levels, a
 * rule's duplicate id or unknown level, a check's unknown fact or misfit value, an exemption's unknown rule, bad
 * entity ref or impossible date.
 */
function meaningProblems(data: unknown): ScorecardProblem[] {
  if (!isRecord(data)) return [];
  const problems: ScorecardProblem[] = [];
  const levels = z.array(z.string()).safeParse(data.levels);
  const levelNames = levels.success ? levels.data : undefined;
  const seenLevels = new Set<string>();
  levelNames?.forEach((level, index) => {
    if (seenLevels.has(level.toLowerCase()))
      problems.push(problem(['levels', index], `level ${level} is listed twice; expected unique names`));
    seenLevels.add(level.toLowerCase());
  });
  const ruleIds = new Set<string>();
  const rules = Array.isArray(data.rules) ? data.rules : [];
  rules.forEach((rule: unknown, index) => {
    if (!isRecord(rule)) return;
    if (typeof rule.id === 'string') {
      if (ruleIds.has(rule.id)) problems.push(problem(['rules', index, 'id'], `rule id ${rule.id} is used twice`));
      ruleIds.add(rule.id);
    }
    if (typeof rule.level === 'string' && levelNames) {
      const level = rule.level;
      if (!levelNames.some((name) => name.toLowerCase() === level.trim().toLowerCase()))
        problems.push(
          problem(
            ['rules', index, 'level'],
            `expected one of the levels (${levelNames.join(', ')}) but found "${level}"`,
          ),
        );
    }
    checkProblems(rule.check, ['rules', index, 'check'], problems);
  });
  const exemptions = Array.isArray(data.exemptions) ? data.exemptions : [];
  exemptions.forEach((exemption: unknown, index) => {
    if (!isRecord(exemption)) return;
    const at = (key: string) => ['exemptions', index, key];
    if (typeof exemption.rule === 'string' && exemption.rule.trim() !== '' && !ruleIds.has(exemption.rule))
      problems.push(
        problem(at('rule'), `expected the id of one of this scorecard's rules but found "${exemption.rule}"`),
      );
    if (typeof exemption.entity === 'string' && exemption.entity.trim() !== '') {
      try {
        parseEntityRef(exemption.entity);
      } catch {
        problems.push(
          problem(
            at('entity'),
            `expected a full entity ref kind:namespace/name (component:default/legacy) but found "${exemption.entity}"`,
          ),
        );
      }
    }
    if (
      typeof exemption.expires === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(exemption.expires) &&
      !isRealDate(exemption.expires)
    )
      problems.push(problem(at('expires'), `expected a real date but found ${exemption.expires}`));
  });
  return problems;
}

/** `2026-02-30` is not a day (`Date.parse` would roll it over to March). */
function isRealDate(day: string): boolean {
  const time = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === day;
}

/** A raw check's problems of meaning: an unknown fact, a value that does not fit its operator, at any depth. */
function checkProblems(check: unknown, keys: (string | number)[], problems: ScorecardProblem[]): void {
  if (!isRecord(check)) return;
  if ('all' in check || 'any' in check) {
    const key = 'all' in check ? 'all' : 'any';
    const parts = check[key];
    if (Array.isArray(parts))
      parts.forEach((inner: unknown, index) => {
        checkProblems(inner, [...keys, key, index], problems);
      });
    return;
  }
  if (typeof check.fact === 'string' && check.fact.trim() !== '' && !factNamed(check.fact)) {
    problems.push(
      problem(
        [...keys, 'fact'],
        `unknown fact "${check.fact}"; expected one of the facts listed in the README (owner.exists, description, oncall, …) or annotation:<key>`,
      ),
    );
  }
  const operator = OPERATORS.find((candidate) => candidate === check.operator);
  const expected = operator && expectedValue(operator, check.value);
  if (expected) problems.push(problem([...keys, 'value'], expected));
}

/** What the operator expects of `value`, when it is not that; undefined when it fits. */
function expectedValue(operator: Operator, value: unknown): string | undefined {
  const found = value === undefined ? 'nothing' : JSON.stringify(value);
  switch (operator) {
    case 'exists':
      return value === undefined ? undefined : `exists takes no value but found ${found}`;
    case 'equals':
      return ['string', 'number', 'boolean'].includes(typeof value)
        ? undefined
        : `equals expects a string, number or boolean but found ${found}`;
    case 'in':
      return Array.isArray(value) && value.length > 0 ? undefined : `in expects a non-empty list but found ${found}`;
    case 'matches': {
      if (typeof value !== 'string') return `matches expects a regular expression as a string but found ${found}`;
      try {
        new RegExp(value);
        return undefined;
      } catch (error) {
        return `matches expects a valid regular expression: ${(error as Error).message}`;
      }
    }
    default:
      return typeof value === 'number' ? undefined : `${operator} expects a number but found ${found}`;
  }
}

/** `rules[2].check.operator`, as a person finds it in the file. */
function formatPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>(
      (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
      '',
    ) || '(top level)'
  );
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}; expected only the keys the format documents`;
  }
  if (issue.code === 'invalid_type' && issue.path.length === 0) {
    return 'expected a scorecard: a mapping with id, title, owner, levels and rules (see the scorecard format in the README)';
  }
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    return `expected ${issue.expected}`;
  }
  return issue.message;
}
