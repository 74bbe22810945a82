/**
 * The facts a scorecard rule can check, by name. Catalog facts are read from the catalog in one set-based query
 * (`src/db/queries/scorecard-facts.ts`) and are always known: a field that is not set reads as `null`. GitHub facts are
 * collected on a schedule and may be unknown (not read yet, no permission, GitHub down), with the reason.
 * `annotation:<key>` reads any annotation of the entity (`annotation:backstage.io/techdocs-ref`).
 */

/** A fact's value: a string, number, boolean, list of strings, or `null` when the entity does not have it. */
export type FactValue = string | number | boolean | readonly string[] | null;

/** What is known of one fact of one entity. */
export type FactReading = { status: 'known'; value: FactValue } | { status: 'unknown'; reason: string };

/** An entity's facts by name. A name absent from the map is unknown ("not collected"). */
export type EntityFacts = ReadonlyMap<string, FactReading>;

export interface FactDefinition {
  name: string;
  source: 'catalog' | 'github';
  type: 'string' | 'number' | 'boolean' | 'list';
  description: string;
}

export const FACTS: readonly FactDefinition[] = [
  {
    name: 'owner.exists',
    source: 'catalog',
    type: 'boolean',
    description: 'spec.owner names an entity in the catalog',
  },
  {
    name: 'owner.channel',
    source: 'catalog',
    type: 'string',
    description: "the owning team's channel (slack.com/bot-notify on the Group)",
  },
  { name: 'description', source: 'catalog', type: 'string', description: 'metadata.description' },
  { name: 'system', source: 'catalog', type: 'string', description: 'spec.system' },
  { name: 'lifecycle', source: 'catalog', type: 'string', description: 'spec.lifecycle' },
  { name: 'type', source: 'catalog', type: 'string', description: 'spec.type' },
  { name: 'kind', source: 'catalog', type: 'string', description: 'the kind, lowercase (component)' },
  { name: 'tags', source: 'catalog', type: 'list', description: 'metadata.tags' },
  {
    name: 'tier',
    source: 'catalog',
    type: 'string',
    description: 'the tier tag: 1 for tier-1, tier1 or tier:1 (the first such tag)',
  },
  {
    name: 'techdocs',
    source: 'catalog',
    type: 'string',
    description: 'the backstage.io/techdocs-ref annotation',
  },
  {
    name: 'oncall',
    source: 'catalog',
    type: 'string',
    description: 'wayfinder.dev/on-call, else pagerduty.com/service-id',
  },
  {
    name: 'dependencies.deprecated',
    source: 'catalog',
    type: 'number',
    description: 'how many entities it depends on (dependsOn) have lifecycle deprecated',
  },
  { name: 'github.readme', source: 'github', type: 'boolean', description: 'the repository has a README' },
  { name: 'github.codeowners', source: 'github', type: 'boolean', description: 'the repository has a CODEOWNERS file' },
  {
    name: 'github.branch-protection',
    source: 'github',
    type: 'boolean',
    description: 'the default branch is protected (branch protection or a ruleset)',
  },
  { name: 'github.ci', source: 'github', type: 'boolean', description: 'the repository has a GitHub Actions workflow' },
  {
    name: 'github.dependabot.critical',
    source: 'github',
    type: 'number',
    description: 'open Dependabot alerts of critical severity',
  },
  {
    name: 'github.dependabot.high',
    source: 'github',
    type: 'number',
    description: 'open Dependabot alerts of high severity',
  },
  {
    name: 'github.days-since-commit',
    source: 'github',
    type: 'number',
    description: 'days since the last commit on the default branch',
  },
];

export const ANNOTATION_FACT_PREFIX = 'annotation:';

const BY_NAME = new Map(FACTS.map((fact) => [fact.name, fact]));

/** The definition of `name`, including `annotation:<key>` facts (strings from the catalog); undefined if unknown. */
export function factNamed(name: string): FactDefinition | undefined {
  if (name.startsWith(ANNOTATION_FACT_PREFIX) && name.length > ANNOTATION_FACT_PREFIX.length) {
    return { name, source: 'catalog', type: 'string', description: `the ${name.slice(11)} annotation` };
  }
  return BY_NAME.get(name);
}
