/**
 * Name resolution for commands such as `/owner payments-api`: the entities the text could name, at five levels
 * (exact ref; name; title or `spec.profile.displayName`; `spec.profile.email`; alias); the best level that matched
 * wins. One statement looks up the ref or the name; only when neither matched does a second look up the other
 * labels, and only when nothing matched at all does a third look for close names. A leading `@` is dropped, so
 * `@ada.lovelace` and `@Ada Lovelace` (a chat mention typed as text) name Ada.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { EntityRecord, NameResolution } from '../../core/catalog/records.ts';
import { splitEntityRef } from '../../core/catalog/refs.ts';
import type { Db } from '../drizzle-db.ts';
import { type EntityRow, entityColumns, toEntityRecord } from '../entity-row.ts';
import { prepareStatement } from '../prepared.ts';
import { entityLabel } from '../schema.ts';
import { escapeLike, numberLiteral } from '../sql-fragments.ts';

/** Below this trigram similarity a name is not offered as a suggestion (unless it contains the text). */
export const SUGGESTION_THRESHOLD = 0.2;
const DEFAULT_SUGGESTIONS = 5;
/** More candidates than a chat answer can list are not useful. */
const MAX_CANDIDATES = 50;
/** Suggestions beyond this many are not useful either. */
const MAX_SUGGESTIONS = 25;
/** Candidates fetched from the index per way of being close, for each suggestion asked, before ranking. */
const POOL_PER_SUGGESTION = 3;
/** Score bonus for a name or title that starts with the text, or contains it. */
const PREFIX_BONUS = 0.5;
const CONTAINS_BONUS = 0.25;

/** Levels of a match, best first. A display name is a person's or team's title, so it ranks with titles. */
const Level = { ref: 0, name: 1, title: 2, email: 3, alias: 4 } as const;

export type ResolveName = (opts: {
  text: string;
  kinds?: readonly string[];
  suggestionLimit?: number;
}) => Promise<NameResolution>;

/** `kinds` is null or the kinds (lowercase) to keep. */
const kindFilter = (alias: string) => {
  const kinds = sql`${sql.placeholder('kinds')}::text[]`;
  return sql`(${kinds} is null or ${sql.identifier(alias)}.kind = any(${kinds}))`;
};

/**
 * How a text is looked up: as a ref when it reads as one (`refs`: it has a `:` or a `/`, which no name holds), else
 * as a name (`names`); only when that found nothing, by the other `labels`.
 */
export type MatchStep = 'refs' | 'names' | 'labels';

/**
 * What entity `alias` must satisfy to match at `step`, and its level there. Placeholders: `ref`, `refName`,
 * `refNamespace` and `text` (see `nameParameters`). `refs`: the exact ref (`kind:namespace/name`, or `kind:name` in
 * the default namespace), or `namespace/name` of any kind. `names`: the name, through `entities_lower_name_idx`.
 * `labels`: the title, display name, email or an alias, through `entities_lower_title_idx`, the partial expression
 * indexes `entities_display_name_idx` and `entities_email_idx` (hence their `is not null`), and `entities_aliases_idx`.
 */
function matchOf(alias: string, step: MatchStep): { where: SQL; level: SQL } {
  const e = sql.identifier(alias);
  const text = sql.placeholder('text');
  switch (step) {
    case 'refs':
      return {
        where: sql`(${e}.ref = ${sql.placeholder('ref')}
          or (lower(${e}.name) = ${sql.placeholder('refName')} and ${e}.namespace = ${sql.placeholder('refNamespace')}))`,
        level: numberLiteral(Level.ref),
      };
    case 'names':
      return { where: sql`lower(${e}.name) = ${text}`, level: numberLiteral(Level.name) };
    case 'labels': {
      const displayName = sql`lower(${e}.envelope #>> '{spec,profile,displayName}')`;
      const email = sql`lower(${e}.envelope #>> '{spec,profile,email}')`;
      const byTitle = sql`(lower(${e}.title) = ${text}
        or (${displayName} = ${text} and ${e}.envelope #>> '{spec,profile,displayName}' is not null))`;
      const byEmail = sql`(${email} = ${text} and ${e}.envelope #>> '{spec,profile,email}' is not null)`;
      return {
        where: sql`(${byTitle} or ${byEmail} or ${e}.aliases @> array[${text}::text])`,
        level: sql`case when ${byTitle} then ${numberLiteral(Level.title)}
          when ${byEmail} then ${numberLiteral(Level.email)} else ${numberLiteral(Level.alias)} end`,
      };
    }
  }
}

/**
 * The candidates the text names at `step` (see `matchOf`), each at its level: columns `level`, `nameShared`
 * (another entity of the same namespace has the same name, so a button naming it must carry its full ref) and
 * `entityColumns('e')`, with `more.entityColumns` (more columns of the candidate, `e`) and `more.columns` (of the
 * candidates, `c`, or of tables `more.joins` adds); ordered by level, kind, namespace and name, at most
 * `MAX_CANDIDATES`. Placeholders as `matchOf`'s, and `kinds` (null for any).
 */
export function candidatesQuery(step: MatchStep, more: { entityColumns?: SQL; columns?: SQL; joins?: SQL } = {}): SQL {
  const match = matchOf('e', step);
  const columns = more.columns ? sql`, ${more.columns}` : sql``;
  const ownColumns = more.entityColumns ? sql`, ${more.entityColumns}` : sql``;
  return sql`
    select c.*${columns}
    from (
      select ${match.level} as level,
        exists (
          select 1 from entities s where lower(s.name) = lower(e.name) and s.namespace = e.namespace and s.ref <> e.ref
        ) as "nameShared",
        ${entityColumns('e')}${ownColumns}
      from entities e
      where ${match.where} and ${kindFilter('e')}
      order by 1, e.kind, e.namespace, lower(e.name)
      limit ${numberLiteral(MAX_CANDIDATES)}
    ) c
    ${more.joins ?? sql``}`;
}

/**
 * The candidates of the first step that found any: the ref or the name (whichever the text reads as, see
 * `MatchStep`), then titles, display names, emails and aliases. Those rank below a name, and people type names, so
 * they are looked up only when no entity of the kinds asked for has the name: one statement that could also look
 * them up cost every `/owner` 60 µs more (about 300 against 360 µs a call, 10,000 entities, through `pg`) to open
 * four more indexes, and one that looked up refs and names together 30 µs more than a name alone.
 */
export async function findCandidates<TRow>(
  parameters: NameParameters,
  find: (step: MatchStep) => Promise<TRow[]>,
): Promise<TRow[]> {
  const named = await find(parameters.ref !== null || parameters.refName !== null ? 'refs' : 'names');
  return named.length > 0 ? named : find('labels');
}

/** What `nameParameters` makes of a text: the placeholder values of `candidatesQuery`. */
export type NameParameters = ReturnType<typeof nameParameters>;

/** The placeholder values of `candidatesQuery` for what a person typed; a leading `@` (a mention typed as text) is dropped. */
export function nameParameters(opts: { text: string; kinds?: readonly string[] }) {
  const text = opts.text
    .trim()
    .replace(/^@(?=\S)/, '')
    .toLowerCase();
  return { ...refParts(text), text, kinds: opts.kinds?.map((kind) => kind.toLowerCase()) ?? null };
}

/** A row of `candidatesQuery`: the entity, its match level, and whether its name is shared. */
export type NamedRow = EntityRow & { level: number; nameShared: boolean | null };

/**
 * The entities `named` at its best level: one is found, several are ambiguous, none means suggestions. A Location
 * loses a tie to any other kind: it is how files are found, not something people ask about by name, so a Location
 * named like a team does not make the team's name ambiguous (`/owner payments`). Asked for by its ref, it is found.
 */
export function bestNamed(rows: readonly NamedRow[]): { entity: EntityRecord; nameShared: boolean }[] {
  const bestLevel = rows[0]?.level;
  const best = rows.filter((row) => row.level === bestLevel);
  const preferred = best.some((row) => row.kind !== 'location') ? best.filter((row) => row.kind !== 'location') : best;
  return preferred.map((row) => ({ entity: toEntityRecord(row), nameShared: row.nameShared === true }));
}

export type SuggestNames = (opts: {
  text: string;
  kinds?: readonly string[];
  suggestionLimit?: number;
}) => Promise<EntityRecord[]>;

export function createResolveName(db: Db): ResolveName {
  const byStep = {
    refs: prepareStatement<NamedRow>(db, 'wayfinder_resolve_refs', candidatesQuery('refs')),
    names: prepareStatement<NamedRow>(db, 'wayfinder_resolve_names', candidatesQuery('names')),
    labels: prepareStatement<NamedRow>(db, 'wayfinder_resolve_labels', candidatesQuery('labels')),
  };
  const suggest = createSuggestNames(db);

  return async (opts) => {
    const parameters = nameParameters(opts);
    if (parameters.text === '') return { status: 'missing', suggestions: [] };
    const rows = await findCandidates(parameters, (step) => byStep[step].execute(parameters));
    return toNameResolution(bestNamed(rows), () => suggest(opts));
  };
}

/** Found, ambiguous, or (asking `suggest` only then) missing with suggestions. */
export async function toNameResolution(
  best: readonly { entity: EntityRecord; nameShared: boolean }[],
  suggest: () => Promise<EntityRecord[]>,
): Promise<NameResolution> {
  const [only] = best;
  if (only && best.length === 1) {
    return only.nameShared
      ? { status: 'found', entity: only.entity, nameShared: true }
      : { status: 'found', entity: only.entity };
  }
  if (best.length > 1) return { status: 'ambiguous', candidates: best.map((row) => row.entity) };
  return { status: 'missing', suggestions: await suggest() };
}

/**
 * Candidates are the labels (name and title) nearest to the text by trigram distance, as whole strings and as
 * words within them, and labels containing the text: GiST order-by reads only a few index entries for each.
 * They are then ranked by similarity of name or title, names starting with the text first.
 */
export function createSuggestNames(db: Db): SuggestNames {
  const text = sql`${sql.placeholder('text')}::text`;
  const contains = sql`${sql.placeholder('contains')}::text`;
  const prefix = sql`${sql.placeholder('prefix')}::text`;
  const pool = sql.placeholder('pool');
  const label = entityLabel(sql`e.name`, sql`e.title`);
  const suggestions = prepareStatement<EntityRow>(
    db,
    'wayfinder_suggest_names',
    sql`
    with candidates as (
      (select ref from entities e where ${kindFilter('e')} order by ${label} <-> ${text} limit ${pool})
      union
      (select ref from entities e where ${kindFilter('e')} order by ${text} <<-> ${label} limit ${pool})
      union
      (select ref from entities e where ${label} like ${contains} and ${kindFilter('e')}
       order by ${text} <<-> ${label} limit ${pool})
    ), scored as (
      select e.ref,
        greatest(similarity(lower(e.name), ${text}), coalesce(similarity(lower(e.title), ${text}), 0))
          + case when lower(e.name) like ${prefix} or lower(e.title) like ${prefix} then ${numberLiteral(PREFIX_BONUS)}
                 when lower(e.name) like ${contains} or lower(e.title) like ${contains}
                   then ${numberLiteral(CONTAINS_BONUS)}
                 else 0 end as score
      from candidates c join entities e on e.ref = c.ref
    )
    select ${entityColumns('e')}
    from scored s join entities e on e.ref = s.ref
    where s.score >= ${numberLiteral(SUGGESTION_THRESHOLD)}
    order by s.score desc, lower(e.name), e.kind, e.namespace
    limit ${sql.placeholder('limit')}
  `,
  );

  return async (opts) => {
    const { text, kinds } = nameParameters(opts);
    const limit = Math.min(Math.max(0, Math.floor(opts.suggestionLimit ?? DEFAULT_SUGGESTIONS)), MAX_SUGGESTIONS);
    if (limit === 0 || text === '') return [];
    const escaped = escapeLike(text);
    const similar = await suggestions.execute({
      text,
      kinds,
      contains: `%${escaped}%`,
      prefix: `${escaped}%`,
      limit,
      pool: limit * POOL_PER_SUGGESTION,
    });
    return similar.map(toEntityRecord);
  };
}

/**
 * The exact-ref parameters when the text reads as a ref (it has a `:` or a `/`): `ref` for `kind:[namespace/]name`
 * (namespace `default` when absent), `refName` and `refNamespace` for `namespace/name`. Null when they do not apply.
 */
function refParts(text: string): { ref: string | null; refName: string | null; refNamespace: string | null } {
  const none = { ref: null, refName: null, refNamespace: null };
  if (!text.includes(':') && !text.includes('/')) return none;
  const parts = splitEntityRef(text);
  if (!parts) return none;
  const namespace = parts.namespace ?? 'default';
  return parts.kind
    ? { ref: `${parts.kind}:${namespace}/${parts.name}`, refName: null, refNamespace: null }
    : { ref: null, refName: parts.name, refNamespace: namespace };
}
