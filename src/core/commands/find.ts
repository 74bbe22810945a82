import { kindLabel, shortName, teamName, titleOf } from '../catalog/facts.ts';
import type { EntityRef } from '../catalog/types.ts';
import type { SearchHit } from '../ports.ts';
import type { Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import { resolveEntity, usageAnswer } from './resolve.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

const RESULTS = 20;

export const findCommand: CommandDefinition = {
  name: 'find',
  description: 'Search names, titles, descriptions and tags; narrow with kind:<kind> and owner:<team>.',
  usage: '<text> [kind:<kind>] [owner:<team>]',
  example: '/find payments owner:checkout',
  async run(context, args) {
    const { text, kind, owner } = parseFindArgs(args);
    if (!text && !kind && !owner) return usageAnswer(this.name, this.usage, this.example);
    let ownerRefs: EntityRef[] | undefined;
    let ownerName: string | undefined;
    if (owner) {
      const resolved = await resolveEntity(context, this.name, owner);
      if (resolved.message) return resolved.message;
      ownerRefs = await ownersCounted(context, resolved.entity.ref);
      ownerName = resolved.entity.kind === 'group' ? teamName(resolved.entity) : titleOf(resolved.entity);
    }
    const { hits, total } = await context.store.search({ text, limit: RESULTS, kind, ownerRefs });
    return findAnswer(args.trim(), describeQuery(text, kind, ownerName), hits, total);
  },
};

/** `payments kind:api owner:checkout` → text `payments`, kind `api`, owner `checkout`. */
export function parseFindArgs(args: string): { text: string; kind?: string; owner?: string } {
  const words: string[] = [];
  let kind: string | undefined;
  let owner: string | undefined;
  for (const word of args.trim().split(/\s+/).filter(Boolean)) {
    const match = /^(kind|owner):(.+)$/i.exec(word);
    if (match?.[1]?.toLowerCase() === 'kind') kind = match[2]?.toLowerCase();
    else if (match?.[1]?.toLowerCase() === 'owner') owner = match[2];
    else words.push(word);
  }
  return { text: words.join(' '), kind, owner };
}

/** A team counts with its sub-teams; a person with the teams they belong to. */
async function ownersCounted(context: CommandContext, ref: EntityRef): Promise<EntityRef[]> {
  const { groups } = await context.store.getHoldings({ ref, limit: 0 });
  return [ref, ...groups.map((group) => group.ref).filter((groupRef) => groupRef !== ref)];
}

function describeQuery(text: string, kind?: string, owner?: string): string {
  const parts = [text ? `"${text}"` : 'everything'];
  if (kind) parts.push(`of kind ${kind}`);
  if (owner) parts.push(`owned by ${owner}`);
  return parts.join(' ');
}

function findAnswer(query: string, description: string, hits: readonly SearchHit[], total: number): Message {
  const command = `/find ${query}`;
  if (hits.length === 0) {
    return {
      summary: `Nothing matches ${description}.`,
      command,
      blocks: [
        { type: 'text', text: [plain(`Nothing matches ${description}.`)] },
        {
          type: 'context',
          text: [
            plain('Search looks at names, titles, descriptions and tags. Try fewer words, or '),
            code('/wayfinder help'),
          ],
        },
      ],
    };
  }
  return {
    summary: `${total} ${total === 1 ? 'match' : 'matches'} for ${description}.`,
    command,
    blocks: [
      { type: 'header', text: `${total} ${total === 1 ? 'match' : 'matches'} for ${description}`.slice(0, 150) },
      {
        type: 'list',
        items: hits.map(({ entity }) => ({
          text: [strong(shortName(entity))],
          detail: [
            plain(kindLabel(entity)),
            ...(entity.envelope.metadata.description ? [plain(` · ${entity.envelope.metadata.description}`)] : []),
          ],
        })),
        omitted: total - hits.length,
      },
      ...(total > hits.length
        ? [
            {
              type: 'context' as const,
              text: [plain(`Showing the best ${hits.length}. Add words or kind:/owner: to narrow it down.`)],
            },
          ]
        : []),
    ],
  };
}
