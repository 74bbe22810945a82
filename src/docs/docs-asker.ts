/**
 * The docs asker: hybrid retrieval, then a grounded answer where a chat model is set up.
 *
 * 1. Search: full text always; with an embedder, the nearest vectors too, fused by reciprocal rank
 *    (`rank-fusion.ts`). A follow-up is searched together with the thread's previous question, so "and in staging?"
 *    finds what the first question was about. When the embedding endpoint fails, the answer comes from full text and
 *    says so.
 * 2. Passages: the best `PASSAGES`, secrets redacted (`secrets.ts`) before anyone or any model reads them.
 * 3. Answer: with a model, its answer from the numbered passages (`answer-prompt.ts`; no tools), streamed, secrets
 *    redacted again on the way out, citations of no passage (`[7]` of 5) dropped; `NOT_COVERED` from the model, or a
 *    short uncited answer saying so in words (`saysNotCovered`), means the docs do not cover the question. Without
 *    one, or when it fails, the passages are the answer (and a note says why).
 */

import { errorMessage } from '../core/errors.ts';
import type { ChatModel } from '../core/ports/chat-model.ts';
import type { DocsAsker, DocsPassage, DocsQuestion, DocsReply } from '../core/ports/docs-asker.ts';
import type { DocChunkHit, DocsIndexStore } from '../core/ports/docs-index-store.ts';
import type { Embedder } from '../core/ports/embedder.ts';
import { buildAnswerMessages, NOT_COVERED } from './answer-prompt.ts';
import { normalise } from './indexer.ts';
import { fuseRankings } from './rank-fusion.ts';
import { createRedactingStream, redactSecrets } from './secrets.ts';

/** Candidates each search returns before fusion. */
export const CANDIDATES = 20;
/** Passages an answer is made from (and quoted without a model). */
export const PASSAGES = 5;
/** Without a model, the share of a question's words the best passage must hold for the docs to cover it. */
export const MIN_COVERAGE = 0.5;

export function createDocsAsker(opts: { store: DocsIndexStore; embedder?: Embedder; model?: ChatModel }): DocsAsker {
  const { store, embedder, model } = opts;
  return {
    async ask(question: DocsQuestion): Promise<DocsReply> {
      const notes: string[] = [];
      const previous = question.history?.at(-1)?.question;
      const searchText = previous ? `${previous}\n${question.question}` : question.question;
      const filter = { limit: CANDIDATES, ...(question.scope ? { scope: question.scope } : {}) };
      // Keyword search runs while the question is embedded and its vector searched: the answer waits for the slower.
      const semantic = async (): Promise<DocChunkHit[] | undefined> => {
        if (!embedder) return undefined;
        try {
          const [vector] = await embedder.embed([searchText]);
          if (!vector) return undefined;
          return await store.searchVector({
            ...filter,
            vector: normalise(vector),
            model: embedder.model,
            text: searchText,
          });
        } catch (error) {
          notes.push(
            `Semantic search is unavailable (${errorMessage(error)}); these results come from keyword search only.`,
          );
          return undefined;
        }
      };
      const [lexical, nearest] = await Promise.all([store.searchLexical({ ...filter, text: searchText }), semantic()]);
      const rankings: DocChunkHit[][] = nearest ? [lexical, nearest] : [lexical];
      // Nearest vectors always exist, and a common word matches something: without a model, the docs cover a
      // question when a passage holds at least half of its words; with one, the model tells from the passages.
      const hits = lexical.length > 0 ? fuseRankings(rankings, (hit) => hit.id).slice(0, PASSAGES) : [];
      const passages = hits.map(toPassage);
      if (passages.length === 0) return { passages, covered: false, notes };
      if (!model) {
        return { passages, covered: coverageOf(lexical) >= MIN_COVERAGE, notes };
      }

      const citations = createCitationFilter(passages.length, (text) => question.onDelta?.(text));
      const stream = createRedactingStream({ hold: NOT_COVERED, onText: (text) => citations.push(text) });
      let text: string;
      try {
        text = await model.complete({
          messages: buildAnswerMessages({
            question: question.question,
            passages,
            ...(question.history ? { history: question.history } : {}),
          }),
          onDelta: (delta) => stream.push(delta),
        });
      } catch (error) {
        // The passages still answer: quoted, as without a model, and the asker is told why.
        notes.push(`The answering model is unavailable (${errorMessage(error)}); here are the best passages instead.`);
        return { passages, covered: coverageOf(lexical) >= MIN_COVERAGE, notes };
      }
      stream.end();
      citations.end();
      const answer = dropUnknownCitations(redactSecrets(text), passages.length).trim();
      if (answer.startsWith(NOT_COVERED) || saysNotCovered(answer)) return { passages, covered: false, notes };
      return { passages, answer, covered: true, notes };
    },
  };
}

/** A citation `[n]`, with the spaces before it (they go with it when it is dropped). */
const CITATION = /[ \t]*\[(\d+)\]/g;

/** `text` without the citations `[n]` that name no passage (`[0]`, `[7]` of 5): a model may make them up. */
export function dropUnknownCitations(text: string, count: number): string {
  return text.replace(CITATION, (match, n: string) => (Number(n) >= 1 && Number(n) <= count ? match : ''));
}

/**
 * `dropUnknownCitations` on streamed text. Pieces end at a space (`createRedactingStream`), and a model writes
 * "workflow [7]." as "workflow " and "[7].": a piece's trailing spaces are held until the next shows whether a
 * dropped citation follows them.
 */
function createCitationFilter(count: number, onText: (text: string) => void) {
  let held = '';
  return {
    push(piece: string) {
      const text = dropUnknownCitations(held + piece, count);
      const kept = text.replace(/[ \t]+$/, '');
      held = text.slice(kept.length);
      if (kept) onText(kept);
    },
    end() {
      if (held) onText(held);
      held = '';
    },
  };
}

/**
 * Whether an answer says in words, instead of `NOT_COVERED`, that the docs do not answer ("The docs don't cover
 * this.", "The provided sources do not mention the vacation policy."). Only a short answer citing no source that
 * names the docs or sources and denies something counts: an answer that cites a source, or goes on for more than a
 * couple of sentences, is an answer, whatever it says about the docs. English phrasings only; any other stays an
 * (uncited) answer, which the message says cites none of its passages.
 */
export function saysNotCovered(answer: string): boolean {
  if (/\[\d+\]/.test(answer) || answer.length > NOT_COVERED_PROSE_CHARS) return false;
  const namesDocs = /\b(?:docs|documentation|documents?|sources?|passages?)\b/i;
  const denies = /\b(?:not|cannot|nothing|no (?:information|mention|details?|answer))\b|n't\b/i;
  return namesDocs.test(answer) && denies.test(answer);
}

/** The longest answer `saysNotCovered` reads as "the docs don't cover this": about two sentences. */
const NOT_COVERED_PROSE_CHARS = 200;

/** The best share of the question's words one full-text hit holds. */
function coverageOf(hits: readonly DocChunkHit[]): number {
  return Math.max(0, ...hits.map((hit) => hit.coverage ?? 0));
}

function toPassage(hit: DocChunkHit, index: number): DocsPassage {
  return {
    n: index + 1,
    title: hit.title,
    headingPath: hit.headingPath,
    text: redactSecrets(hit.content),
    ...(hit.url ? { url: hit.url } : { path: hit.path }),
    ...(hit.entityRef ? { entityRef: hit.entityRef } : {}),
  };
}
