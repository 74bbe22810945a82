/**
 * Helpers for the command tests: entities as the GitHub sync stores them, and answers rendered for snapshots.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { renderText } from '../../../src/console/render.ts';
import { processDocument } from '../../../src/core/catalog/descriptor.ts';
import type { CatalogStore } from '../../../src/core/ports/catalog-store.ts';
import { type Block, type Message, plainText } from '../../../src/core/view-model.ts';
import { renderSlackMessage, SLACK_LIMITS, type SlackMessage } from '../../../src/slack/render/message.ts';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

/** Where the GitHub sync records the root `catalog-info.yaml` of `repo` (Backstage's managed-by-location). */
export function githubLocation(repo: string): string {
  return `url:https://github.com/${repo}/blob/main/catalog-info.yaml`;
}

/**
 * Stores `documents` as the GitHub sync does after reading `repo`'s `catalog-info.yaml`: in the scope
 * `github:<repo>`, which holds exactly these entities, so any other entity of that scope becomes an orphan.
 */
export async function importFromGitHub(
  store: CatalogStore,
  repo: string,
  documents: readonly Record<string, unknown>[],
): Promise<void> {
  const location = githubLocation(repo);
  const entities = documents.map((document, i) => {
    const result = processDocument({ document, position: { location, line: 1 + i * 10 } });
    if (!result.ok) throw new Error(`Invalid test document: ${JSON.stringify(result.errors)}`);
    return result.entity;
  });
  await store.importEntities({
    entities,
    errors: [],
    locations: [location],
    scopes: [{ scope: `github:${repo}`, refs: entities.map((entity) => entity.ref) }],
  });
}

/** A Component descriptor. */
export function component(name: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name },
    spec: { type: 'service', lifecycle: 'production', ...spec },
  };
}

/**
 * An answer as Slack and the console show it, for snapshots: paths on this machine become `<repo>` and
 * `<scratch>`. The Slack rendering is checked against Slack's limits first.
 */
export function rendered(message: Message, scratch?: string): { slack: SlackMessage; text: string } {
  const slack = renderSlackMessage(message, { shareable: true });
  expectWithinSlackLimits(slack);
  const machineFree = (text: string) => {
    const withoutScratch = scratch ? text.replaceAll(scratch, '<scratch>') : text;
    return withoutScratch.replaceAll(REPO_ROOT, '<repo>');
  };
  return { slack: JSON.parse(machineFree(JSON.stringify(slack))), text: machineFree(renderText(message)) };
}

export function expectWithinSlackLimits(slack: SlackMessage): void {
  expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  for (const block of slack.blocks) {
    if (block.type === 'section' && block.text) {
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    if (block.type === 'context') {
      for (const element of block.elements) {
        if ('text' in element) expect(element.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
      }
    }
  }
}

export function blocksOf<T extends Block['type']>(message: Message, type: T): Extract<Block, { type: T }>[] {
  return message.blocks.filter((block): block is Extract<Block, { type: T }> => block.type === type);
}

/** The message's fields blocks as label → plain text. */
export function fieldTexts(message: Message): Record<string, string> {
  return Object.fromEntries(
    blocksOf(message, 'fields').flatMap((block) => block.fields.map((field) => [field.label, plainText(field.value)])),
  );
}

/** The plain text of each of the message's context blocks, in order. */
export function contextTexts(message: Message): string[] {
  return blocksOf(message, 'context').map((block) => plainText(block.text));
}

export function buttonCommands(message: Message): string[] {
  return blocksOf(message, 'actions').flatMap((block) => block.buttons.map((button) => button.command));
}
