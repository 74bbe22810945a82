import { displayNameOf, kindLabel, orphanMark, personSpan, shortName, teamName } from '../catalog/facts.ts';
import { KIND_RULES } from '../catalog/kinds/index.ts';
import type { EntityRecord, SearchHit } from '../catalog/records.ts';
import type { EntityRef } from '../catalog/types.ts';
import { countOf, formatNumber, truncate } from '../text.ts';
import type { ListItem, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import { offsetFlag, parseArgs, quoteValue, unquote } from './args.ts';
import { refNeededAmong } from './owner.ts';
import { inputProblemAnswer, resolveNamed, usageAnswer } from './resolve.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** Hits one answer lists; `--offset` pages through the rest. */
export const FIND_PAGE = 20;
/** How much of the searched text an answer repeats in its header and summary. */
const QUOTED_TEXT = 60;
/** The kinds `owner:` names: Backstage owners are Groups or Users. */
const OWNER_KINDS = ['group', 'user'] as const;
/** The kinds Wayfinder reads as Backstage defines them, as `kind:` spells them (lower case). */
const BUILT_IN_KINDS = Object.keys(KIND_RULES).map((kind) => kind.toLowerCase());

export const findCommand: CommandDefinition = {
  name: 'find',
  description: 'Search names, titles, descriptions and tags; narrow with kind:<kind> and owner:<team or person>.',
  usage: '<text> [kind:<kind>] [owner:<team or person>] [--offset N]',
  example: '/find payments owner:checkout',
  async run(context, args) {
    const parsed = parseArgs(args, { offset: offsetFlag }, `/${this.name}`);
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    const query = parseFindArgs(parsed.words);
    const { text, kind, owner } = query;
    if (!text && !kind && !owner) return usageAnswer(this.name, this.usage, this.example);
    const offset = parsed.flags.offset ?? 0;
    let ownerRefs: EntityRef[] | undefined;
    let ownerName: string | undefined;
    if (owner) {
      const resolved = await resolveNamed(context, {
        command: this.name,
        name: owner,
        kinds: OWNER_KINDS,
        noun: 'team or person',
        // A suggestion keeps the rest of the query: `/find api owner:paymnts` offers `/find api owner:payments`.
        commandFor: (name) => `/find ${findQuery({ ...query, owner: name })}`,
      });
      if (resolved.message) return resolved.message;
      ownerRefs = await ownersCounted(context, resolved.entity.ref);
      ownerName = displayNameOf(resolved.entity);
    }
    const { hits, total } = await context.store.search({ text, limit: FIND_PAGE, offset, kind, ownerRefs });
    // A kind nothing in the catalog has, and not one Backstage defines: most likely a typo (`kind:compnent`).
    if (total === 0 && kind && !BUILT_IN_KINDS.includes(kind)) {
      return inputProblemAnswer(
        this,
        `No entity has kind ${kind}. Backstage's kinds are ${BUILT_IN_KINDS.join(', ')}; a catalog may add its own.`,
      );
    }
    return findAnswer({
      query: findQuery(query),
      description: describeQuery(text, kind, ownerName),
      hits,
      total,
      offset,
    });
  },
};

export interface FindQuery {
  text: string;
  kind?: string;
  owner?: string;
}

/**
 * The words of `/find` (as `parseArgs` splits them, a quoted part one word) read as a query: `payments kind:api
 * owner:"Sam Smith"` → text `payments`, kind `api`, owner `Sam Smith` (quotes around a filter's value are taken off).
 */
export function parseFindArgs(args: readonly string[]): FindQuery {
  const words: string[] = [];
  let kind: string | undefined;
  let owner: string | undefined;
  for (const word of args) {
    const match = /^(kind|owner):(.+)$/is.exec(word);
    const value = match?.[2] === undefined ? '' : unquote(match[2]);
    if (match?.[1]?.toLowerCase() === 'kind' && value !== '') kind = value.toLowerCase();
    else if (match?.[1]?.toLowerCase() === 'owner' && value !== '') owner = value;
    else words.push(word);
  }
  return { text: words.join(' '), kind, owner };
}

/**
 * The query as `/find` reads it back (buttons, paging hints): text, then `kind:` and `owner:`, a value holding a space
 * in quotes (`owner:"Sam Smith"`), so the command runs the same query again.
 */
function findQuery(query: FindQuery): string {
  return [
    query.text,
    ...(query.kind ? [`kind:${quoteValue(query.kind)}`] : []),
    ...(query.owner ? [`owner:${quoteValue(query.owner)}`] : []),
  ]
    .filter(Boolean)
    .join(' ');
}

/** A team counts with its sub-teams; a person with the teams they belong to. */
/** The refs an `owner:` (or `--team`) filter counts: the group or person and their groups (a team's sub-teams). */
export async function ownersCounted(context: CommandContext, ref: EntityRef): Promise<EntityRef[]> {
  const { groups } = await context.store.getHoldings({ ref, limit: 0 });
  return [ref, ...groups.map((group) => group.ref).filter((groupRef) => groupRef !== ref)];
}

function describeQuery(text: string, kind?: string, owner?: string): string {
  const parts = [text ? `"${truncate(text, QUOTED_TEXT)}"` : 'everything'];
  if (kind) parts.push(`of kind ${kind}`);
  if (owner) parts.push(`owned by ${owner}`);
  return parts.join(' ');
}

function findAnswer(opts: {
  query: string;
  description: string;
  hits: readonly SearchHit[];
  total: number;
  offset: number;
}): Message {
  const { query, description, hits, total, offset } = opts;
  const base = `/find ${query}`;
  const command = offset > 0 ? `${base} --offset ${offset}` : base;
  if (hits.length === 0) {
    const nothing =
      total > 0
        ? `Nothing from item ${offset + 1}: ${countOf(total, 'match', 'matches')} for ${description} in all.`
        : `Nothing matches ${description}.`;
    return {
      summary: nothing,
      command,
      // A search that found nothing is not the answer asked for: `wayfinder run` exits 1 on it, as grep does.
      ...(total === 0 ? { outcome: 'not-found' as const } : {}),
      blocks: [
        { type: 'text', text: [plain(nothing)] },
        {
          type: 'context',
          text:
            total > 0
              ? [plain('The first page: '), code(base)]
              : [
                  plain('Search looks at names, titles, descriptions and tags. Try fewer words, or '),
                  code('/wayfinder help'),
                ],
        },
      ],
    };
  }
  const title = `${countOf(total, 'match', 'matches')} for ${description}`;
  const end = offset + hits.length;
  const refNeeded = refNeededAmong(hits.map((hit) => hit.entity));
  return {
    summary: `${title}.`,
    command,
    blocks: [
      { type: 'header', text: title },
      {
        type: 'list',
        items: hits.map(({ entity }) => hitItem(entity, refNeeded)),
        omitted: total - end,
        moreCommand: base,
        offset,
      },
      ...(offset > 0 || total > end
        ? [
            {
              type: 'context' as const,
              text: [
                plain(
                  `Showing ${formatNumber(offset + 1)}–${formatNumber(end)} of ${formatNumber(total)}, best first.`,
                ),
                ...(total > end ? [plain(' Add words or kind:/owner: to narrow it down.')] : []),
              ],
            },
          ]
        : []),
    ],
  };
}

/**
 * A hit as /owner and /service list it: a person by display name (with their email where known), a team by display
 * name, anything else by what to type; two people or teams on the page with the same display name carry their ref.
 */
function hitItem(entity: EntityRecord, refNeeded: (entity: EntityRecord) => boolean): ListItem {
  const name =
    entity.kind === 'user'
      ? personSpan(entity)
      : strong(entity.kind === 'group' ? teamName(entity) : shortName(entity));
  const description = entity.envelope.metadata.description;
  return {
    text: [name, ...orphanMark(entity)],
    detail: [
      plain(kindLabel(entity)),
      ...(refNeeded(entity) ? [plain(' · '), code(entity.ref)] : []),
      ...(description ? [plain(` · ${description}`)] : []),
    ],
  };
}
