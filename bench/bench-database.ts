/** A scratch database on the Postgres server for one bench section, named after this process; `drop` removes it. */
import pg from 'pg';

export async function createBenchDatabase(
  baseUrl: string,
  suffix = '',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `wayfinder_bench_${process.pid}${suffix}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: baseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`drop database if exists ${name} with (force)`);
  await admin(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
