/**
 * Backstage's own example catalog, imported whole, answered by the commands: the newer kinds and API types are
 * answered as the older ones are (an AiResource like a Component, an MCP server like any API).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localViewer } from '../../../src/core/commands/asker.ts';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import type { CommandContext } from '../../../src/core/commands/types.ts';
import { type Message, plainText } from '../../../src/core/view-model.ts';
import type { Database } from '../../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../../src/db/DrizzleCatalogStore.ts';
import { createCatalogRefresher } from '../../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../../src/ingestion/import-catalog.ts';
import { openTestDatabase } from '../../helpers/database.ts';

const UPSTREAM = fileURLToPath(new URL('../../fixtures/catalog/backstage-upstream', import.meta.url));

let database: Database;
let context: CommandContext;
let imported: Awaited<ReturnType<typeof importCatalog>>;

beforeAll(async () => {
  database = await openTestDatabase();
  const store = new DrizzleCatalogStore({ db: database.db });
  imported = await importCatalog({ paths: [UPSTREAM], store });
  context = { store, refresher: createCatalogRefresher({ store }), viewer: localViewer };
});
afterAll(() => database?.close());

const ask = (line: string) => runCommandLine(context, line);

function field(message: Message, label: string): string | undefined {
  for (const block of message.blocks) {
    if (block.type !== 'fields') continue;
    const found = block.fields.find((entry) => entry.label === label);
    if (found) return plainText(found.value);
  }
  return undefined;
}

describe("Backstage's own example catalog", () => {
  it('imports every document, skipping only the GitHub URLs no GitHub is configured to read', () => {
    expect(imported.counts).toMatchObject({ created: 68, failed: 0 });
    expect(imported.errors).toEqual([]);
    expect(imported.skipped).toHaveLength(3);
  });

  it('tells apart two members with the same name and email by their refs (a guest in two namespaces)', async () => {
    const message = await ask('/owner artist-lookup');
    const members = message.blocks.find((block) => block.type === 'list' && block.title?.startsWith('Members'));
    const guests =
      members?.type === 'list' ? members.items.filter((item) => plainText(item.text) === 'Guest User') : [];
    expect(guests.map((item) => plainText(item.detail ?? []))).toEqual([
      'user:default/guest',
      'user:development/guest',
    ]);
  });

  it('answers /owner for an AiResource as for a Component: its owning team and where the team sits', async () => {
    const message = await ask('/owner frontend-design');
    expect(message.summary).toBe('frontend-design is owned by team-a.');
    expect(field(message, 'Team')).toBe('team-a');
    expect(field(message, 'Part of')).toBe('Backstage › infrastructure › ACME Corp');
  });

  it("answers /owner for an AiResource with no owner of its own with its system's owner", async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'wayfinder-ai-'));
    try {
      await writeFile(
        path.join(scratch, 'catalog-info.yaml'),
        [
          'apiVersion: backstage.io/v1alpha1',
          'kind: AiResource',
          'metadata: { name: release-notes-skill }',
          'spec: { type: skill, lifecycle: experimental, system: podcast }',
        ].join('\n'),
      );
      const { errors } = await importCatalog({ paths: [scratch], store: context.store });
      expect(errors).toEqual([]);
      expect((await ask('/owner release-notes-skill')).summary).toBe('release-notes-skill is owned by Team B.');
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it('answers /service for an AiResource with its kind and type, owner, system and domain', async () => {
    const message = await ask('/service frontend-design');
    expect(field(message, 'Kind')).toBe('AiResource · skill');
    expect(field(message, 'Owner')).toBe('team-a');
    expect(field(message, 'System')).toBe('artist-engagement-portal');
    // The domain's title, as the System's and the owner's names are shown.
    expect(field(message, 'Domain')).toBe('Artists');
  });

  it('answers /owner and /service for an MCP server API as for any API', async () => {
    expect((await ask('/owner backstage-mcp-server')).summary).toBe('backstage-mcp-server is owned by team-a.');
    expect(field(await ask('/service local-inference-server'), 'Kind')).toBe('API · ai-model-server');
  });
});
