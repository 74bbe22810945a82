/**
 * Every entity's scorecard facts in one set-based statement: catalog fields, the owner (through system and domain,
 * `entity_owners`) and its channel, the count of dependencies whose lifecycle is `deprecated`, the annotations asked
 * for, and the facts collected from GitHub (`entity_facts`) as one JSON object per entity.
 */
import { sql } from 'drizzle-orm';
import type { EntityFactsRow } from '../../core/ports/scorecard-store.ts';
import type { FactReading, FactValue } from '../../core/scorecards/facts.ts';
import { ANNOTATION_FACT_PREFIX } from '../../core/scorecards/facts.ts';
import type { Db } from '../drizzle-db.ts';
import { textArray } from '../sql-fragments.ts';

type FactsRow = {
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  type: string | null;
  lifecycle: string | null;
  description: string | null;
  system: string | null;
  tags: string[] | null;
  techdocs: string | null;
  oncall: string | null;
  annotations: Record<string, string> | null;
  owner_ref: string | null;
  owner_channel: string | null;
  deprecated: number;
  collected: Record<string, { v: FactValue; r: string | null }> | null;
};

/** Kinds scorecards never score: people, teams and catalog plumbing. */
const NOT_SCORED = ['group', 'user', 'location', 'template'];

export async function readScorecardFacts(
  db: Db,
  opts: {
    kinds?: readonly string[];
    ownerRefs?: readonly string[];
    refs?: readonly string[];
    annotationKeys?: readonly string[];
  },
): Promise<EntityFactsRow[]> {
  const keys = [...new Set(opts.annotationKeys ?? [])];
  const filters = [sql`e.kind <> all(${textArray(NOT_SCORED)})`];
  if (opts.kinds) filters.push(sql`e.kind = any(${textArray(opts.kinds.map((kind) => kind.toLowerCase()))})`);
  if (opts.ownerRefs) filters.push(sql`o.owner_ref = any(${textArray(opts.ownerRefs)})`);
  if (opts.refs) filters.push(sql`e.ref = any(${textArray(opts.refs)})`);
  const result = await db.execute<FactsRow>(sql`
    with deprecated as (
      select r.source_ref, count(*)::int as n
      from relations r join entities d on d.ref = r.target_ref
      where r.type = 'dependsOn' and lower(d.lifecycle) = 'deprecated'
      group by r.source_ref
    ),
    collected as (
      select entity_ref, jsonb_object_agg(name, jsonb_build_object('v', value, 'r', unknown_reason)) as facts
      from entity_facts group by entity_ref
    )
    select e.ref, e.kind, e.namespace, e.name, e.type, e.lifecycle, e.description,
      e.envelope #>> '{spec,system}' as system,
      case when jsonb_typeof(e.envelope #> '{metadata,tags}') = 'array'
        then array(select jsonb_array_elements_text(e.envelope #> '{metadata,tags}')) end as tags,
      e.envelope #>> '{metadata,annotations,backstage.io/techdocs-ref}' as techdocs,
      coalesce(e.envelope #>> '{metadata,annotations,wayfinder.dev/on-call}',
        e.envelope #>> '{metadata,annotations,pagerduty.com/service-id}') as oncall,
      ${keys.length > 0 ? sql`(select jsonb_object_agg(k, e.envelope #> array['metadata', 'annotations', k]) from unnest(${textArray(keys)}) k)` : sql`null::jsonb`} as annotations,
      o.owner_ref,
      og.envelope #>> '{metadata,annotations,slack.com/bot-notify}' as owner_channel,
      coalesce(d.n, 0) as deprecated,
      c.facts as collected
    from entities e
    left join entity_owners o on o.ref = e.ref
    left join entities og on og.ref = o.owner_ref and og.kind = 'group'
    left join deprecated d on d.source_ref = e.ref
    left join collected c on c.entity_ref = e.ref
    where ${sql.join(filters, sql` and `)}
    order by e.ref
  `);
  return result.rows.map(toFactsRow);
}

function toFactsRow(row: FactsRow): EntityFactsRow {
  const tags = row.tags ?? [];
  const known = (value: FactValue): FactReading => ({ status: 'known', value });
  const text = (value: string | null | undefined) => known(value?.trim() ? value : null);
  const facts = new Map<string, FactReading>([
    ['owner.exists', known(row.owner_ref !== null)],
    ['owner.channel', text(row.owner_channel)],
    ['description', text(row.description)],
    ['system', text(row.system)],
    ['lifecycle', text(row.lifecycle)],
    ['type', text(row.type)],
    ['kind', known(row.kind)],
    ['tags', known(tags)],
    ['tier', known(tierOf(tags))],
    ['techdocs', text(row.techdocs)],
    ['oncall', text(row.oncall)],
    ['dependencies.deprecated', known(row.deprecated)],
  ]);
  for (const [key, value] of Object.entries(row.annotations ?? {})) {
    facts.set(`${ANNOTATION_FACT_PREFIX}${key}`, text(typeof value === 'string' ? value : null));
  }
  for (const [name, fact] of Object.entries(row.collected ?? {})) {
    facts.set(name, fact.r !== null ? { status: 'unknown', reason: fact.r } : known(fact.v));
  }
  return {
    entity: {
      ref: row.ref,
      kind: row.kind,
      type: row.type,
      lifecycle: row.lifecycle,
      tags,
      system: row.system,
      entityName: row.namespace === 'default' ? row.name : `${row.namespace}/${row.name}`,
      ownerRef: row.owner_ref,
    },
    facts,
  };
}

/** `tier-1`, `tier1`, `tier:1` → `1`: the first tier tag. */
function tierOf(tags: readonly string[]): string | null {
  for (const tag of tags) {
    const match = /^tier[-:]?(\w+)$/i.exec(tag);
    if (match?.[1]) return match[1];
  }
  return null;
}
