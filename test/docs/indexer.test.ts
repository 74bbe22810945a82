import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { DrizzleDocsIndexStore } from '../../src/db/DrizzleDocsIndexStore.ts';
import { formatIndexSummary, formatStatus } from '../../src/docs/cli.ts';
import { indexDocs, normalise } from '../../src/docs/indexer.ts';
import { readLocalDocs } from '../../src/docs/local-source.ts';
import { type FakeOpenAiApi, startFakeOpenAiApi } from '../fakes/openai-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { aiParts } from '../helpers/demo-docs.ts';

let database: Database;
let openai: FakeOpenAiApi;
let dir: string;
const statements: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase({ onQuery: (query) => statements.push(query) });
  openai = await startFakeOpenAiApi();
  dir = await mkdtemp(path.join(tmpdir(), 'wayfinder-docs-'));
});
afterAll(async () => {
  await database?.close();
  await openai?.close();
  await rm(dir, { recursive: true, force: true });
});

const DEPLOY = `# Deploy\n\n## Canary\n\nFive percent of traffic first.\n\n## Roll back\n\nRun the rollback workflow.\n`;

async function write(relative: string, text: string) {
  await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
  await writeFile(path.join(dir, relative), text);
}

/** The folder's source as `wayfinder docs index <dir> --entity payments-api` would record it. */
const PAYMENTS_SOURCE = {
  key: 'test:payments',
  entityRef: 'component:default/payments-api',
  baseUrl: 'https://github.com/acme/payments-api/blob/main/docs',
};

describe('indexDocs', () => {
  it('indexes a folder: chunks linked to the page and heading anchor, found by full-text search', async () => {
    await write('docs/runbooks/deploy.md', DEPLOY);
    await write('mkdocs.yml', 'site_name: Payments\nnav:\n  - Deploying: runbooks/deploy.md\n');
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const { files } = await readLocalDocs(dir);
    const summary = await indexDocs({
      store,
      source: PAYMENTS_SOURCE,
      files,
    });
    expect(summary.files).toEqual({ indexed: 1, unchanged: 0, removed: 0 });
    const [hit] = await store.searchLexical({ text: 'how do I roll back?', limit: 5 });
    expect(hit).toMatchObject({
      title: 'Deploying',
      headingPath: ['Deploy', 'Roll back'],
      url: 'https://github.com/acme/payments-api/blob/main/docs/runbooks/deploy.md#roll-back',
      entityRef: 'component:default/payments-api',
    });
  });

  it('writes nothing when a folder is indexed again unchanged', async () => {
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const { files } = await readLocalDocs(dir);
    statements.length = 0;
    const summary = await indexDocs({
      store,
      source: PAYMENTS_SOURCE,
      files,
    });
    expect(summary.files).toEqual({ indexed: 0, unchanged: 1, removed: 0 });
    expect(
      statements.filter(
        (statement) => /^\s*(insert|update|delete)\b/i.test(statement) && !/doc_sources/.test(statement),
      ),
    ).toEqual([]);
  });

  it('ends a run that wrote by merging the full-text pending list, so searches do not scan it', async () => {
    const store = new DrizzleDocsIndexStore({ db: database.db });
    // A file stored on its own leaves its words in GIN's pending list (fast update: cheap inserts)…
    await store.saveSource({ key: 'test:pending' });
    await store.saveFile({
      sourceKey: 'test:pending',
      path: 'alone.md',
      title: 'Alone',
      contentHash: 'alone',
      chunks: [{ ordinal: 0, headingPath: ['Alone'], content: 'Rotate the ledger key.', contentHash: 'c-alone' }],
    });
    expect(await store.mergeSearchIndex()).toBeGreaterThan(0);
    // …and an indexing run leaves none.
    await indexDocs({ store, source: { key: 'test:pending' }, files: [{ path: 'deploy.md', markdown: DEPLOY }] });
    expect(await store.mergeSearchIndex()).toBe(0);
    expect((await store.searchLexical({ text: 'canary traffic', limit: 5 }))[0]?.headingPath).toEqual([
      'Deploy',
      'Canary',
    ]);
  });

  it('embeds only the chunks of a changed file that changed', async () => {
    const { embedder } = aiParts({ url: openai.url, embeddingDimensions: 32 });
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const source = { key: 'test:embedded', baseUrl: 'https://docs.example/' };
    await indexDocs({
      store,
      source,
      files: [{ path: 'deploy.md', markdown: DEPLOY }],
      ...(embedder ? { embedder } : {}),
    });
    expect(openai.embedded).toHaveLength(2);
    openai.embedded.length = 0;
    const changed = DEPLOY.replace('Run the rollback workflow.', 'Run the rollback workflow with the last tag.');
    const summary = await indexDocs({
      store,
      source,
      files: [{ path: 'deploy.md', markdown: changed }],
      ...(embedder ? { embedder } : {}),
    });
    expect(summary.chunks).toEqual({ written: 2, embedded: 1, reused: 1 });
    expect(openai.embedded).toEqual([expect.stringContaining('Run the rollback workflow with the last tag.')]);
  });

  it('removes the files a source no longer has', async () => {
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const summary = await indexDocs({ store, source: { key: 'test:embedded' }, files: [] });
    expect(summary.files.removed).toBe(1);
    expect((await store.status()).sources.find((source) => source.key === 'test:embedded')).toMatchObject({
      files: 0,
      chunks: 0,
    });
  });

  it('stores the files for keyword search when the embedding endpoint fails, and embeds them on the next run', async () => {
    const { embedder } = aiParts({ url: openai.url, embeddingDimensions: 32 });
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const source = { key: 'test:flaky' };
    const files = [{ path: 'deploy.md', markdown: DEPLOY }];
    openai.failEmbeddings(503);
    const failed = await indexDocs({ store, source, files, ...(embedder ? { embedder } : {}) });
    openai.failEmbeddings(undefined);
    expect(failed.embeddingFailure).toMatch(/^the embedding endpoint failed: HTTP 503 embeddings are down$/);
    expect(await store.searchLexical({ text: 'canary', limit: 1 })).toHaveLength(1);
    const retried = await indexDocs({ store, source, files, ...(embedder ? { embedder } : {}) });
    expect(retried.files).toEqual({ indexed: 0, unchanged: 1, removed: 0 });
    expect(retried.chunks.embedded).toBe(2);
    expect((await store.status()).sources.find((stored) => stored.key === 'test:flaky')).toMatchObject({
      chunks: 2,
      embedded: 2,
    });
  });

  it('keeps the vectors when a folder is indexed without the model settings, and the next run with them embeds nothing', async () => {
    const { embedder } = aiParts({ url: openai.url, embeddingDimensions: 32 });
    if (!embedder) throw new Error('the fake embedder is set up');
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const source = { key: 'test:keep', entityRef: 'component:default/keep-api' };
    const ONBOARDING = '# Onboarding\n\n## Laptop\n\nAsk the helpdesk for a laptop.\n';
    await indexDocs({
      store,
      source,
      files: [
        { path: 'deploy.md', markdown: DEPLOY },
        { path: 'onboarding.md', markdown: ONBOARDING },
      ],
      embedder,
    });
    const embedded = () => store.status().then((status) => status.sources.find((stored) => stored.key === source.key));
    expect(await embedded()).toMatchObject({ chunks: 3, embedded: 3 });

    // Without an embedder: one file unchanged, one changed (its first section kept as it was).
    const changed = DEPLOY.replace('Run the rollback workflow.', 'Run the rollback workflow with the last tag.');
    const keyword = await indexDocs({
      store,
      source,
      files: [
        { path: 'deploy.md', markdown: changed },
        { path: 'onboarding.md', markdown: ONBOARDING },
      ],
    });
    expect(keyword.files).toEqual({ indexed: 1, unchanged: 1, removed: 0 });
    expect(await embedded()).toMatchObject({ chunks: 3, embedded: 2 });
    const [question] = await embedder.embed(['laptop helpdesk']);
    const hits = await store.searchVector({
      vector: normalise(question ?? []),
      model: embedder.model,
      limit: 3,
      scope: { entityRefs: [source.entityRef] },
    });
    expect(hits[0]?.headingPath).toEqual(['Onboarding', 'Laptop']);

    openai.embedded.length = 0;
    const again = await indexDocs({
      store,
      source,
      files: [
        { path: 'deploy.md', markdown: changed },
        { path: 'onboarding.md', markdown: ONBOARDING },
      ],
      embedder,
    });
    expect(again.files).toEqual({ indexed: 0, unchanged: 2, removed: 0 });
    expect(openai.embedded).toEqual([expect.stringContaining('Run the rollback workflow with the last tag.')]);
    expect(await embedded()).toMatchObject({ chunks: 3, embedded: 3 });
  });

  it('re-embeds an unchanged file whose vectors are of another size, and docs status counts only the configured ones', async () => {
    const wide = aiParts({ url: openai.url, embeddingDimensions: 32 }).embedder;
    const narrow = aiParts({ url: openai.url, embeddingDimensions: 16 }).embedder;
    if (!wide || !narrow) throw new Error('the fake embedders are set up');
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const source = { key: 'dir:/srv/docs/resized', entityRef: 'component:default/resized-api' };
    const files = [{ path: 'deploy.md', markdown: DEPLOY }];
    await indexDocs({ store, source, files, embedder: wide });

    const embedding = { model: narrow.model, dimensions: 16 };
    const stale = (await store.status({ embedding })).sources.find((stored) => stored.key === source.key);
    expect(stale).toMatchObject({ chunks: 2, embedded: 0, otherModel: 2 });
    const text = formatStatus(await store.status({ embedding }), embedding);
    expect(text).toContain(
      'dir:/srv/docs/resized (component:default/resized-api): 1 file, 2 chunks, 0 embedded, 2 to embed;',
    );
    expect(text).toMatch(
      /chunks need indexing again: no vector of fake-embedding at 16 dimensions \(\d+ have one of another model or size, which vector search leaves out\)\. .*Run wayfinder docs index \/srv\/docs\/resized --entity component:default\/resized-api/,
    );

    openai.embedded.length = 0;
    const summary = await indexDocs({ store, source, files, embedder: narrow });
    expect(summary.files).toEqual({ indexed: 0, unchanged: 1, removed: 0 });
    expect(summary.chunks.embedded).toBe(2);
    expect(openai.embedded).toHaveLength(2);
    const fresh = (await store.status({ embedding })).sources.find((stored) => stored.key === source.key);
    expect(fresh).toMatchObject({ chunks: 2, embedded: 2, otherModel: 0 });
    const [question] = await narrow.embed(['canary traffic']);
    const hits = await store.searchVector({
      vector: normalise(question ?? []),
      model: narrow.model,
      limit: 1,
      scope: { entityRefs: [source.entityRef] },
    });
    expect(hits[0]?.headingPath).toEqual(['Deploy', 'Canary']);
  });

  it('sends no secret to the embedding endpoint and stores none', async () => {
    const { embedder } = aiParts({ url: openai.url, embeddingDimensions: 32 });
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const secrets = [
      'sk-proj-Q3vR8tZ1xW4yB6nM2kL9pJ7hG5fD0sA',
      'xoxb-123456789012-987654321098-AbCdEfGhIjKlMnOp',
      'hunter2',
      'n0t-a-real-passw0rd',
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ];
    const markdown = [
      '# Ledger credentials',
      '',
      '## Connecting',
      '',
      'Use OPENAI_API_KEY sk-proj-Q3vR8tZ1xW4yB6nM2kL9pJ7hG5fD0sA and the bot token xoxb-123456789012-987654321098-AbCdEfGhIjKlMnOp.',
      'The database is postgres://admin:hunter2@ledger-db.internal:5432/ledger with password=n0t-a-real-passw0rd.',
      '',
      '```ini',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      '```',
      '',
    ].join('\n');
    openai.embedded.length = 0;
    await indexDocs({
      store,
      source: { key: 'test:secrets' },
      files: [{ path: 'credentials.md', markdown }],
      ...(embedder ? { embedder } : {}),
    });
    expect(openai.embedded.join('\n')).toContain('[redacted]');
    const stored = await database.db.execute<{ content: string }>(
      sql`select content from doc_chunks where source_key = 'test:secrets'`,
    );
    const content = stored.rows.map((row) => row.content).join('\n');
    expect(content).toContain('ledger-db.internal');
    for (const secret of secrets) {
      expect(openai.embedded.join('\n')).not.toContain(secret);
      expect(content).not.toContain(secret);
    }
  });

  it('moves the chunks of a folder indexed again for another entity, reusing their vectors', async () => {
    const { embedder } = aiParts({ url: openai.url, embeddingDimensions: 32 });
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const files = [{ path: 'deploy.md', markdown: DEPLOY }];
    const withEmbedder = embedder ? { embedder } : {};
    await indexDocs({
      store,
      source: {
        key: 'test:moving',
        entityRef: 'component:default/ledger-service',
        baseUrl: 'https://x.example/ledger',
      },
      files,
      ...withEmbedder,
    });
    openai.embedded.length = 0;
    const summary = await indexDocs({
      store,
      source: { key: 'test:moving', entityRef: 'component:default/fraud-detector', baseUrl: 'https://x.example/fraud' },
      files,
      ...withEmbedder,
    });
    expect(summary.moved).toEqual({
      fromEntityRef: 'component:default/ledger-service',
      fromBaseUrl: 'https://x.example/ledger',
    });
    expect(summary.chunks).toEqual({ written: 2, embedded: 0, reused: 2 });
    expect(openai.embedded).toEqual([]);
    const scope = { entityRefs: ['component:default/fraud-detector'] };
    const hits = await store.searchLexical({ text: 'canary traffic', limit: 5, scope });
    expect(hits[0]).toMatchObject({
      entityRef: 'component:default/fraud-detector',
      url: 'https://x.example/fraud/deploy.md#canary',
    });
    const left = await store.searchLexical({
      text: 'canary traffic',
      limit: 5,
      scope: { entityRefs: ['component:default/ledger-service'] },
    });
    expect(left).toEqual([]);
  });

  it('says the links moved, not the entity, when a folder is indexed again for the same entity at a new address', async () => {
    const store = new DrizzleDocsIndexStore({ db: database.db });
    const files = [{ path: 'deploy.md', markdown: DEPLOY }];
    const source = { key: 'test:relinked', entityRef: 'component:default/ledger-service' };
    await indexDocs({ store, source: { ...source, baseUrl: 'https://old.example/docs/' }, files });
    const summary = await indexDocs({ store, source: { ...source, baseUrl: 'https://new.example/docs/' }, files });
    const line = formatIndexSummary('./docs', source.entityRef, summary);
    expect(line).not.toContain('Moved from');
    expect(line).toMatch(/ Links now go to https:\/\/new\.example\/docs\/ \(were https:\/\/old\.example\/docs\/\)\.$/);
    const [hit] = await store.searchLexical({
      text: 'canary traffic',
      limit: 1,
      scope: { entityRefs: [source.entityRef] },
    });
    expect(hit?.url).toBe('https://new.example/docs/deploy.md#canary');
    const unchanged = await indexDocs({ store, source: { ...source, baseUrl: 'https://new.example/docs/' }, files });
    expect(formatIndexSummary('./docs', source.entityRef, unchanged)).not.toMatch(/Moved|Links now/);
  });

  it('ranks a passage holding every word of the question above one holding a single word in its heading', async () => {
    const store = new DrizzleDocsIndexStore({ db: database.db });
    await indexDocs({
      store,
      source: { key: 'test:ranking' },
      files: [
        {
          path: 'passwords.md',
          markdown: '# Password\n\n## Password\n\nPassword password: every password is kept in the password vault.\n',
        },
        {
          path: 'maintenance.md',
          markdown: '# Maintenance\n\nTo rotate the ledger database password, run `ledgerctl rotate`.\n',
        },
      ],
    });
    const hits = await store.searchLexical({ text: 'rotate ledger database password', limit: 5 });
    expect(hits[0]?.content).toContain('ledgerctl rotate');
    expect(hits[0]?.coverage).toBe(1);
  });

  it('does not count a generic word such as "policy" alone as covering a question', async () => {
    const store = new DrizzleDocsIndexStore({ db: database.db });
    await indexDocs({
      store,
      source: { key: 'test:generic' },
      files: [{ path: 'paging.md', markdown: '# Paging policy\n\nWho is paged, and when, for each severity.\n' }],
    });
    const [vacation] = await store.searchLexical({ text: 'what is the vacation policy?', limit: 5 });
    expect(vacation?.title).toBe('Paging policy');
    expect(vacation?.coverage).toBe(0);
    const [paging] = await store.searchLexical({ text: 'what is the paging policy?', limit: 5 });
    expect(paging?.coverage).toBe(1);
    const [generic] = await store.searchLexical({ text: 'which policy?', limit: 5 });
    expect(generic?.coverage).toBe(1);
  });

  it('warns, naming the file, when a markdown file is not UTF-8', async () => {
    const latin1 = await mkdtemp(path.join(tmpdir(), 'wayfinder-latin1-'));
    try {
      await writeFile(path.join(latin1, 'cafe.md'), Buffer.from('# Caf\xe9\n\nOpen at 8.\n', 'latin1'));
      const { files, warnings } = await readLocalDocs(latin1);
      expect(files.map((file) => file.path)).toEqual(['cafe.md']);
      expect(warnings).toEqual([
        `${path.join(latin1, 'cafe.md')} is not UTF-8 text; indexed with the characters that could not be read replaced (save it as UTF-8).`,
      ]);
    } finally {
      await rm(latin1, { recursive: true, force: true });
    }
  });

  it('refuses a path that is not a folder, naming it', async () => {
    await expect(readLocalDocs(path.join(dir, 'missing'))).rejects.toThrow(
      /missing is not a folder; expected a folder of markdown/,
    );
  });
});
