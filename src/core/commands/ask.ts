/**
 * `/ask <question> [--entity <name> | --team <name>]`: a question to the docs, answered in words with numbered
 * citations when a chat model is set up, else with the best passages quoted and linked. When the docs hold nothing
 * on it, the answer says so and names who to ask: the owner of the catalog entity the question is nearest to, and
 * their channel. Searching may take a while (embeddings, a model), so the command answers with deferred work.
 *
 * Passages reach this file already redacted (`DocsPassage.text`); it never sees a secret.
 */
import { z } from 'zod';
import { type ChannelSpan, channelOf, displayNameOf, shortName, teamName } from '../catalog/facts.ts';
import type { EntityRecord } from '../catalog/records.ts';
import type { EntityRef } from '../catalog/types.ts';
import type { DocsPassage, DocsReply, DocsScope, DocsTurn } from '../ports/docs-asker.ts';
import { countOf, truncate } from '../text.ts';
import type { Block, Deferred, ListItem, Message, Span } from '../view-model.ts';
import { link, text as plain, strong } from '../view-model.ts';
import { parseArgs, valueFlag } from './args.ts';
import { ownersCounted } from './find.ts';
import { inputProblemAnswer, resolveNamed, usageAnswer } from './resolve.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** How much of a passage the answer quotes when there is no model. */
const QUOTE_CHARS = 500;
/** How much of the question the header and placeholder repeat. */
const QUOTED_QUESTION = 80;
/** Words of the question tried against the catalog to find the nearest service, at most. */
const NEAREST_WORDS = 8;

const nameFlag = (opts: { synopsis: string; expected: string; example: string }) =>
  valueFlag({ schema: z.string().min(1), ...opts });

const FLAGS = {
  entity: nameFlag({ synopsis: '--entity <name>', expected: 'an entity from the catalog', example: 'payments-api' }),
  team: nameFlag({ synopsis: '--team <name>', expected: 'a team or person from the catalog', example: 'payments' }),
};

export const askCommand: CommandDefinition = {
  name: 'ask',
  description: 'Ask the docs a question; answers cite their sources. Narrow with --entity <name> or --team <name>.',
  usage: '<question> [--entity <name> | --team <name>]',
  example: '/ask how do I roll back a payments-api deploy?',
  async run(context, args) {
    const parsed = parseArgs(args, FLAGS, '/ask');
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    if (parsed.flags.entity !== undefined && parsed.flags.team !== undefined) {
      // Either could be meant (the entity's docs, the team's, both, or the entity only if the team owns it): asked.
      return inputProblemAnswer(
        this,
        `--entity and --team each choose the docs searched; give one: --entity ${parsed.flags.entity} for that entity's docs, or --team ${parsed.flags.team} for the team's own docs and those of what it owns.`,
      );
    }
    const question = parsed.words.join(' ').trim();
    if (!question) return usageAnswer(this.name, this.usage, this.example);
    const scope = await scopeOf(context, question, parsed.flags.entity, parsed.flags.team);
    if ('message' in scope) return scope.message;
    const deferred: Deferred = {
      kind: 'deferred',
      placeholder: {
        summary: `Searching the docs for "${truncate(question, QUOTED_QUESTION)}"…`,
        blocks: [
          { type: 'context', text: [plain(`Searching the docs for "${truncate(question, QUOTED_QUESTION)}"…`)] },
        ],
      },
      work: async (progress) =>
        (
          await answerDocsQuestion(context, {
            question,
            scope: scope.scope,
            ...(progress ? { onDelta: (text: string) => progress.onText(text) } : {}),
          })
        ).message,
    };
    return deferred;
  },
};

/**
 * Answers `question` from the docs as a Message (and the reply it was made from, whose `answer` a thread keeps for
 * follow-ups). `onDelta` receives the answer's text as the model writes it; the Message's block holding that text is
 * then marked `streamed`. Without docs set up, says so.
 */
export async function answerDocsQuestion(
  context: CommandContext,
  opts: { question: string; scope?: DocsScope; history?: readonly DocsTurn[]; onDelta?: (text: string) => void },
): Promise<{ message: Message; reply?: DocsReply }> {
  if (!context.docs) {
    const summary = 'The docs are not set up on this Wayfinder: index some with `wayfinder docs index <dir>`.';
    return { message: { summary, blocks: [{ type: 'text', text: [plain(summary)] }] } };
  }
  const reply = await context.docs.ask({
    question: opts.question,
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...(opts.history ? { history: opts.history } : {}),
    ...(opts.onDelta ? { onDelta: opts.onDelta } : {}),
  });
  if (!reply.covered) {
    return {
      message: { ...(await notCoveredMessage(context, opts.question, reply, opts.scope)), outcome: 'not-found' },
      reply,
    };
  }
  return { message: docsReplyMessage(opts.question, reply, { streamed: opts.onDelta !== undefined }), reply };
}

/**
 * The answer for a covered question: the model's text and its sources, or the passages quoted. `streamed`: the
 * model's text was shown as it was written (its block is marked so).
 */
export function docsReplyMessage(question: string, reply: DocsReply, opts: { streamed?: boolean } = {}): Message {
  const blocks: Block[] = [];
  if (reply.answer) {
    const cited = citedPassages(reply.answer, reply.passages);
    blocks.push({ type: 'text', text: [plain(reply.answer)], ...(opts.streamed ? { streamed: true } : {}) });
    blocks.push({ type: 'list', title: 'Sources', items: cited.map(sourceItem) });
    if (!citesAny(reply.answer, reply.passages)) {
      blocks.push({
        type: 'context',
        text: [plain('The answer cites none of these passages; check it against them.')],
      });
    }
  } else {
    blocks.push({ type: 'header', text: `From the docs: ${truncate(question, QUOTED_QUESTION)}` });
    blocks.push({
      type: 'list',
      items: reply.passages.map((passage) => ({
        ...sourceItem(passage),
        detail: [plain(truncate(passage.text, QUOTE_CHARS))],
      })),
    });
  }
  for (const note of reply.notes) blocks.push({ type: 'context', text: [plain(note)] });
  const summary = reply.answer
    ? truncate(reply.answer, 150)
    : `${countOf(reply.passages.length, 'passage')} from the docs on "${truncate(question, QUOTED_QUESTION)}"`;
  return { summary, blocks };
}

/** Whether `answer` cites at least one of `passages` by its `[n]`. */
function citesAny(answer: string, passages: readonly DocsPassage[]): boolean {
  const cited = citationsIn(answer);
  return passages.some((passage) => cited.has(passage.n));
}

/** The passages `[n]` in `answer` cites, in order; all of them when it cites none. */
export function citedPassages(answer: string, passages: readonly DocsPassage[]): DocsPassage[] {
  const cited = citationsIn(answer);
  const found = passages.filter((passage) => cited.has(passage.n));
  return found.length > 0 ? found : [...passages];
}

function citationsIn(answer: string): Set<number> {
  return new Set([...answer.matchAll(/\[(\d+)\]/g)].map((match) => Number(match[1])));
}

function sourceItem(passage: DocsPassage): ListItem {
  const where = [passage.title, ...passage.headingPath.filter((heading) => heading !== passage.title)].join(' › ');
  if (passage.url) return { text: [plain(`[${passage.n}] `), link(where, passage.url)] };
  return { text: [plain(`[${passage.n}] `), strong(where), ...(passage.path ? [plain(` (${passage.path})`)] : [])] };
}

/**
 * "The docs don't cover this" and who to ask instead: with `--entity`, that entity's owner; with `--team`, that team
 * (or person) and their channel; else the owner of the entity the question is nearest to (`nearestEntity`), or, when
 * the nearest docs are a team's own (a Group's onboarding pages), that team and its channel. When the question shares
 * no word with the catalog's services or the docs there is nothing near, and the answer says so and how to look.
 */
async function notCoveredMessage(
  context: CommandContext,
  question: string,
  reply: DocsReply,
  scope: DocsScope | undefined,
): Promise<Message> {
  const blocks: Block[] = [{ type: 'text', text: [plain("The docs don't cover this.")] }];
  let summary = "The docs don't cover this.";
  const askedTeamRef = scope?.entityRefs?.length ? undefined : scope?.ownerRefs?.[0];
  const askedTeam = askedTeamRef ? await context.store.getEntity({ ref: askedTeamRef }) : undefined;
  if (askedTeam) {
    const name = displayNameOf(askedTeam);
    const channel = askedTeam.kind.toLowerCase() === 'group' ? channelOf(askedTeam) : undefined;
    const spans: Span[] = [plain('Ask '), strong(name)];
    if (channel) spans.push(plain(' in '), channel);
    spans.push(plain('.'));
    blocks.push({ type: 'text', text: spans });
    summary += ` Ask ${name}.`;
  } else {
    const asked = scope?.entityRefs?.[0];
    const entity = asked
      ? await context.store.getEntity({ ref: asked })
      : await nearestEntity(context, question, reply.passages);
    const kind = entity?.kind.toLowerCase();
    if (entity && !asked && (kind === 'group' || kind === 'user')) {
      // The nearest docs are a team's (or a person's) own, such as a team's onboarding pages: they are the ones to ask.
      const name = displayNameOf(entity);
      const channel = kind === 'group' ? channelOf(entity) : undefined;
      const spans: Span[] = [plain('The nearest docs are '), strong(name), plain("'s")];
      spans.push(...(channel ? [plain(': ask in '), channel] : [plain(': ask them')]), plain('.'));
      blocks.push({ type: 'text', text: spans });
      summary += ` Ask ${name}.`;
    } else if (entity) {
      const owner = await ownerOf(context, entity);
      const spans: Span[] = asked
        ? [strong(displayNameOf(entity))]
        : [plain('The nearest service is '), strong(displayNameOf(entity))];
      if (owner) {
        spans.push(plain(asked ? ' is owned by ' : ', owned by '), strong(owner.name));
        if (owner.channel) spans.push(plain(': ask in '), owner.channel);
        summary += ` Ask ${owner.name}, owners of ${displayNameOf(entity)}.`;
      } else {
        spans.push(plain(asked ? ' has no owner in the catalog' : '; the catalog names no owner for it'));
      }
      spans.push(plain('.'));
      blocks.push({ type: 'text', text: spans });
      blocks.push({
        type: 'actions',
        buttons: [{ label: `Who owns ${shortName(entity)}`, action: 'run', command: `/owner ${shortName(entity)}` }],
      });
    } else {
      // No word of the question names a service, and no passage shares a word with it: there is no one to point at.
      const nothingNear =
        'Nothing in the catalog or the docs is near this question: look for the service with /find, or ask again with --team <name>.';
      blocks.push({ type: 'text', text: [plain(nothingNear)] });
    }
  }
  for (const note of reply.notes) blocks.push({ type: 'context', text: [plain(note)] });
  return { summary, blocks };
}

/** The team (or person) owning `entity`, with the team's channel. */
async function ownerOf(
  context: CommandContext,
  entity: EntityRecord,
): Promise<{ name: string; channel?: ChannelSpan } | undefined> {
  const ownership = await context.store.getOwnership({
    entity,
    ...(context.platform ? { platform: context.platform } : {}),
  });
  const team = ownership.owner?.group?.team;
  const person = ownership.owner?.user;
  if (team) {
    const channel = channelOf(team);
    return { name: teamName(team), ...(channel ? { channel } : {}) };
  }
  return person ? { name: displayNameOf(person) } : undefined;
}

/**
 * The catalog entity a question is nearest to: the best catalog search hit (a Component) for any of the question's
 * longer words (`/find` on each), else the entity of the best passage found.
 */
async function nearestEntity(
  context: CommandContext,
  question: string,
  passages: readonly DocsPassage[],
): Promise<EntityRecord | undefined> {
  const words = [...new Set(question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}_-]{3,}/gu) ?? [])].slice(
    0,
    NEAREST_WORDS,
  );
  let best: { entity: EntityRecord; score: number } | undefined;
  for (const word of words) {
    const { hits } = await context.store.search({ text: word, limit: 1, kind: 'component' });
    const hit = hits[0];
    if (hit && (!best || hit.score > best.score)) best = hit;
  }
  if (best) return best.entity;
  // No word names an entity: the one whose docs came nearest.
  const fromPassage = passages.find((passage) => passage.entityRef)?.entityRef;
  return fromPassage ? context.store.getEntity({ ref: fromPassage }) : undefined;
}

async function scopeOf(
  context: CommandContext,
  question: string,
  entityName: string | undefined,
  teamName: string | undefined,
): Promise<{ scope?: DocsScope } | { message: Message }> {
  const scope: { entityRefs?: EntityRef[]; ownerRefs?: EntityRef[] } = {};
  if (entityName) {
    const resolved = await resolveNamed(context, {
      command: 'ask',
      name: entityName,
      commandFor: (name) => `/ask ${question} --entity ${name}`,
    });
    if (resolved.message) return { message: resolved.message };
    scope.entityRefs = [resolved.entity.ref];
  }
  if (teamName) {
    const resolved = await resolveNamed(context, {
      command: 'ask',
      name: teamName,
      kinds: ['group', 'user'],
      noun: 'team or person',
      commandFor: (name) => `/ask ${question} --team ${name}`,
    });
    if (resolved.message) return { message: resolved.message };
    scope.ownerRefs = await ownersCounted(context, resolved.entity.ref);
  }
  return scope.entityRefs || scope.ownerRefs ? { scope } : {};
}
