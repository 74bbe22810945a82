import type { EntityRef } from '../catalog/types.ts';

/** A passage of the docs as an answer cites it: `[n]` in the answer's text is `passages[n - 1]`. */
export interface DocsPassage {
  /** 1-based citation number. */
  n: number;
  /** The file's title. */
  title: string;
  /** The headings above the passage, from the file's top (`Runbook › Alerts › High error rate`). */
  headingPath: readonly string[];
  /** The file (and `#anchor` of the section) where the passage is read; absent when its source has no address. */
  url?: string;
  /** The file's path in its source (`runbooks/deploy.md`), given when there is no `url`, so the asker can find it. */
  path?: string;
  /** The passage's markdown, with secret-looking strings already replaced by `[redacted]`. */
  text: string;
  /** The entity the docs describe. */
  entityRef?: EntityRef;
}

/** Where to look: one entity's docs, or the docs of everything the given owners own. Absent: all the docs. */
export interface DocsScope {
  entityRefs?: readonly EntityRef[];
  ownerRefs?: readonly EntityRef[];
}

/** One earlier question and answer of the thread a follow-up is asked in. */
export interface DocsTurn {
  question: string;
  answer: string;
}

export interface DocsQuestion {
  question: string;
  scope?: DocsScope;
  /** The thread's earlier turns, oldest first (a follow-up such as "and in staging?" is read with them). */
  history?: readonly DocsTurn[];
  /** Called with each piece of the answer's text as the model writes it (streaming surfaces); never with secrets. */
  onDelta?(text: string): void;
}

export interface DocsReply {
  /** The passages found, best first (those the answer cites, or the quotes when there is no model). */
  passages: readonly DocsPassage[];
  /** The model's grounded answer with `[n]` citations; absent without a chat model or when nothing matched. */
  answer?: string;
  /** False when the docs hold nothing on the question (no passage matched, or the model said they do not cover it). */
  covered: boolean;
  /** What the asker should know about how the answer was made ("semantic search is unavailable: …"). */
  notes: readonly string[];
}

/** Answers questions from the indexed docs (`src/docs/`): search, then a grounded answer where a model is set up. */
export interface DocsAsker {
  ask(question: DocsQuestion): Promise<DocsReply>;
}
