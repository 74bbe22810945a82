/**
 * The floor: the least a server can do to answer `/owner <name>` from the same database. A bare `node:http`
 * server reads the same form body Slack sends, runs ONE indexed SELECT (`entities_lower_name_idx`, then primary-key
 * probes for the system and the owner) and writes a one-line JSON answer. No signature check, no Bolt, no view-model,
 * no Block Kit: whatever Wayfinder costs above this is the price of those.
 *
 * On Postgres it goes through a `pg.Pool` of the same size as Wayfinder's (10, `src/db/client.ts`); on PGlite through
 * the same data directory, opened by `PGlite` in the floor's own process, as Wayfinder opens it in its own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';

export type FloorDatabase = { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };

/**
 * The owner of the named entity, or of its system when it names none (Wayfinder's chain also tries the domain;
 * the synthetic organisation never needs it). Display name as Wayfinder shows a team: profile name, title, name.
 */
export const FLOOR_QUERY = `
  select coalesce(e.title, e.name) as subject,
         coalesce(o.envelope #>> '{spec,profile,displayName}', o.title, o.name) as owner
  from entities e
  left join entities s on s.ref = 'system:' || e.namespace || '/' || lower(e.envelope #>> '{spec,system}')
  join entities o on o.ref = coalesce(e.owner_ref, s.owner_ref)
  where lower(e.name) = $1
  limit 1`;

/** Same as Wayfinder's pool (`POOL_MAX` in src/db/client.ts), so neither side gets more connections. */
const POOL_MAX = 10;

interface OwnerRow {
  subject: string;
  owner: string;
}

export type FloorQuery = (name: string) => Promise<OwnerRow | undefined>;

export interface FloorServer {
  port: number;
  close(): Promise<void>;
}

export async function startFloorServer(opts: {
  database: FloorDatabase;
  host: string;
  port: number;
}): Promise<FloorServer> {
  const { query, end } = await openFloorDatabase(opts.database);
  const server = createServer((req, res) => {
    answer(req, res, query).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });
  const port = await listen(server, opts.port, opts.host);
  return {
    port,
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      await end();
    },
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, query: FloorQuery): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('text')?.trim().toLowerCase() ?? '';
  const row = await query(text);
  const body = JSON.stringify({
    response_type: 'ephemeral',
    text: row ? `${row.subject} is owned by ${row.owner}.` : `No entity named ${text}.`,
  });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The floor's one query on `database`; the bare Bolt app (./bare-bolt.ts) shares it. */
export async function openFloorDatabase(database: FloorDatabase): Promise<{ query: FloorQuery; end(): Promise<void> }> {
  if (database.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: database.url, max: POOL_MAX });
    return {
      query: async (name) => (await pool.query<OwnerRow>(FLOOR_QUERY, [name])).rows[0],
      end: () => pool.end(),
    };
  }
  const client = await PGlite.create({ dataDir: database.dataDir, extensions: { pg_trgm } });
  return {
    query: async (name) => (await client.query<OwnerRow>(FLOOR_QUERY, [name])).rows[0],
    end: () => client.close(),
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
