import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrateDatabase } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { importCatalog } from '../../src/ingestion/import-catalog.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { DEMO_CATALOG } from '../helpers/demo-catalog.ts';

describe('migrations', () => {
  let database: Database;

  beforeAll(async () => {
    database = await openTestDatabase();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('create every catalog table in an empty database', async () => {
    const { rows } = await database.db.execute<{ name: string }>(sql`
      select table_name as name from information_schema.tables where table_schema = 'public' order by table_name
    `);
    expect(rows.map((row) => row.name)).toEqual(
      expect.arrayContaining(['chat_identities', 'entities', 'ingest_errors', 'locations', 'relations']),
    );
  });

  it('enable pg_trgm before the indexes that need it', async () => {
    const { rows } = await database.db.execute<{ similar: number }>(
      sql`select similarity('payments', 'paymnts') as similar`,
    );
    expect(rows[0]?.similar).toBeGreaterThan(0.5);
    const { rows: indexes } = await database.db.execute<{ name: string }>(sql`
      select indexname as name from pg_indexes where tablename = 'entities' and indexdef like '%trgm_ops%'
    `);
    expect(indexes.length).toBeGreaterThanOrEqual(3);
  });

  it('do nothing when applied again', async () => {
    await migrateDatabase(database);
    const { rows } = await database.db.execute<{ applied: number }>(
      sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
    );
    const journal = JSON.parse(readFileSync(new URL('../../migrations/meta/_journal.json', import.meta.url), 'utf8'));
    expect(rows[0]?.applied).toBe(journal.entries.length);
  });

  it('generate the search vector and aliases from the descriptor', async () => {
    await database.db.execute(sql`
      insert into entities (ref, kind, namespace, name, title, description, envelope, content_hash)
      values ('component:default/payments-api', 'component', 'default', 'payments-api', 'Payments API',
        'Takes card payments.',
        '{"metadata": {"tags": ["java"], "annotations": {"wayfinder.dev/aliases": " Pay, PAYAPI "}}}', 'h')
    `);
    const { rows } = await database.db.execute<{ matches: boolean; aliases: string[] }>(sql`
      select search @@ to_tsquery('english', 'java & card') as matches, aliases from entities
    `);
    expect(rows[0]).toEqual({ matches: true, aliases: ['pay', 'payapi'] });
  });

  it('work out the owners and team cards of a catalog stored before they existed', async () => {
    const store = new DrizzleCatalogStore({ db: database.db });
    await importCatalog({ paths: [DEMO_CATALOG], store });
    await database.db.execute(sql`delete from team_cards`);
    await database.db.execute(sql`delete from entity_owners`);
    expect((await store.findOwnership({ text: 'payments-api' })).ownership?.owner).toBeUndefined();

    await migrateDatabase(database);

    const { ownership } = await store.findOwnership({ text: 'payments-api' });
    expect(ownership?.owner?.group?.team.ref).toBe('group:default/payments');
    expect(ownership?.owner?.group?.members.length).toBeGreaterThan(0);
  });
});
