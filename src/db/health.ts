import { sql } from 'drizzle-orm';
import type { Database } from './client.ts';

/** True when the database answers a trivial query; `/readyz` reports it. */
export async function pingDatabase(database: Database): Promise<boolean> {
  try {
    await database.db.execute(sql`select 1`);
    return true;
  } catch {
    // Not ready is the answer; the cause reaches the logs through the queries that fail for real.
    return false;
  }
}
