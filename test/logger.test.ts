import { DrizzleQueryError } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { describeError } from '../src/http/server.ts';
import { createLogger } from '../src/logger.ts';
import { openWayfinder, type Wayfinder } from '../src/main.ts';
import { createIsolatedDatabaseEnv } from './helpers/database.ts';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level, write: (line) => lines.push(JSON.parse(line)) });
  return { logger, lines, text: () => lines.map((line) => JSON.stringify(line)).join('\n') };
}

describe('createLogger', () => {
  it('writes one JSON line per call with the level, time, message and details', () => {
    const { logger, lines } = capture('info');
    logger.debug('not at info');
    logger.info('Catalog sync', 'took', 12, { repositories: 3 });
    expect(lines).toEqual([
      { level: 'info', time: expect.any(String), msg: 'Catalog sync took 12', details: { repositories: 3 } },
    ]);
  });

  it('logs a failure with its cause chain', () => {
    const { logger, lines } = capture();
    const failure = new Error('Sync failed', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    logger.error('Job catalog-sync failed', describeError(failure));
    logger.error('Job catalog-sync failed', failure);
    expect(lines[0]?.details).toEqual({
      name: 'Error',
      message: 'Sync failed',
      cause: { name: 'Error', message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' },
    });
    expect(JSON.stringify(lines[1]?.err)).toContain('connect ECONNREFUSED');
  });

  it("never writes a failed query's parameters, in the error, its causes or its description", () => {
    const { logger, text } = capture();
    const failed = new DrizzleQueryError(
      'select * from entities where lower(name) = $1 and kind = $2',
      ['pay\u0000ments-typed-by-ada', 'component'],
      new Error('invalid byte sequence for encoding "UTF8": 0x00'),
    );
    logger.error('Answering /owner failed', failed);
    logger.error('Answering /owner failed', new Error('Could not answer', { cause: failed }));
    logger.error('Answering /owner failed', describeError(failed));

    expect(text()).not.toContain('typed-by-ada');
    expect(text()).toContain('Failed query: select * from entities where lower(name) = $1');
    expect(text()).toContain('params: [not logged]');
    expect(text()).toContain('invalid byte sequence');
  });

  it('never writes secrets or email addresses, in details or in the message', () => {
    const { logger, text } = capture();
    logger.warn('Lookup failed for ada@acme.example with xoxb-1234-5678-abcdef', {
      token: 'xoxb-1234-5678-abcdef',
      headers: { authorization: 'Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
      user: { email: 'grace@acme.example', name: 'Grace' },
      note: 'asked by alan@acme.example',
    });
    const written = text();
    for (const secret of ['ada@acme.example', 'xoxb-1234', 'ghp_abcdef', 'grace@acme.example', 'alan@acme.example']) {
      expect(written).not.toContain(secret);
    }
    expect(written).toContain('Lookup failed for [email] with [redacted]');
    expect(written).toContain('"name":"Grace"');
  });
});

describe('LOG_LEVEL=debug', () => {
  let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
  let wayfinder: Wayfinder;
  const { logger, lines, text } = capture();

  beforeAll(async () => {
    isolated = await createIsolatedDatabaseEnv();
    const config = loadConfig({ ...isolated.env, LOG_LEVEL: 'debug' });
    wayfinder = await openWayfinder(config, logger);
  });
  afterAll(async () => {
    await wayfinder?.close();
    await isolated?.remove();
  });

  it("logs each SQL statement's text, never its parameters (the demo's people and their emails)", async () => {
    // Everything since the start: the migrations, the demo's import (its people have emails), then a lookup.
    await wayfinder.store.findChatIdentity({ platform: 'slack', platformUserId: 'U0SECRETPERSON' });
    const sql = lines.filter((line) => line.msg === 'SQL');
    expect(sql.length).toBeGreaterThan(0);
    expect(JSON.stringify(sql)).toMatch(/select .*\$1/i);
    expect(text()).not.toContain('U0SECRETPERSON');
    // The hot lookups run as prepared statements; on PGlite those are SQL EXECUTEs with their values in the text.
    const logged = lines.length;
    await wayfinder.store.findOwnership({ text: 'Ada Lovelace', platform: 'slack' });
    await wayfinder.store.resolveName({ text: "Grace Hopper's team" });
    expect(lines.slice(logged).filter((line) => line.msg === 'SQL').length).toBeGreaterThanOrEqual(4);
    expect(text()).not.toMatch(/ada lovelace|grace hopper/i);
    expect(text()).not.toMatch(/@acme\.example/);
  });
});
