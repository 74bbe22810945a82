import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { TEST_NODE_FLAGS } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv } from '../helpers/database.ts';
import { SHIPPED_SCORECARDS } from './setup.ts';

const REPLICA = fileURLToPath(new URL('./fixtures/digest-replica.ts', import.meta.url));
const TEAMS = 12;
const CHILD_TIMEOUT_MS = 180_000;

let slack: FakeSlackApi;
let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
let catalog: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  slack = await startFakeSlackApi();
  isolated = await createIsolatedDatabaseEnv();
  catalog = await mkdtemp(path.join(tmpdir(), 'digest-catalog-'));
  const documents = Array.from({ length: TEAMS }, (_, index) =>
    [
      `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-${index}\n  annotations:\n    slack.com/bot-notify: "#team-${index}"\nspec:\n  type: team\n  children: []`,
      `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: service-${index}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-${index}`,
    ].join('\n---\n'),
  );
  await writeFile(path.join(catalog, 'catalog-info.yaml'), documents.join('\n---\n'));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await slack.close();
  await isolated.remove();
  await rm(catalog, { recursive: true, force: true });
});

function replica(holder: string, extra: Record<string, string> = {}) {
  const child = spawn(process.execPath, [...TEST_NODE_FLAGS, '--import', 'tsx', REPLICA], {
    env: {
      PATH: process.env.PATH ?? '',
      ...isolated.env,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.url,
      WAYFINDER_DEMO: 'false',
      WAYFINDER_SCORECARDS_DIR: SHIPPED_SCORECARDS,
      WAYFINDER_DIGEST_RATE: '20',
      CATALOG: catalog,
      HOLDER: holder,
      NOW: '2026-11-30T09:00:00Z',
      ...extra,
    },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  /** True once the replica is ready, false when it exited first (refused). */
  const ready = new Promise<boolean>((resolve) => {
    child.stdout?.on('data', () => stdout.includes('ready') && resolve(true));
    child.on('exit', () => resolve(false));
  });
  const go = () => child.stdin?.write('go\n');
  return { child, exited, ready, go };
}

const postsPerChannel = () => {
  const counts = new Map<string, number>();
  for (const post of slack.digest.posted) counts.set(post.channel, (counts.get(post.channel) ?? 0) + 1);
  return counts;
};

describe('the digest across processes', () => {
  it(
    'posts each team once when two replicas fire the same tick (on PGlite, the second replica is refused)',
    async () => {
      const a = replica('replica-a');
      const b = replica('replica-b');
      const ready = await Promise.all([a.ready, b.ready]);
      // The same tick on both (node-cron fires on every replica at the same minute).
      if (ready[0]) a.go();
      if (ready[1]) b.go();
      const [first, second] = await Promise.all([a.exited, b.exited]);
      expect([...postsPerChannel().keys()].sort()).toEqual(
        Array.from({ length: TEAMS }, (_, index) => `#team-${index}`).sort(),
      );
      expect([...postsPerChannel().values()].every((count) => count === 1)).toBe(true);
      if (isolated.env.DATABASE_URL) {
        const outcomes = [first, second].map((run) => JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}').outcome);
        expect(outcomes.sort()).toEqual(['ran', 'skipped']);
      } else {
        // PGlite serves one process: whichever started second was refused before it read or wrote anything.
        const refused = [first, second].filter((run) => run.code !== 0);
        expect(refused).toHaveLength(1);
        expect(refused[0]?.stderr).toContain('in use by another Wayfinder process');
      }
    },
    CHILD_TIMEOUT_MS,
  );

  it(
    'resumes after a replica is killed mid-run (SIGKILL): no post twice, none missing',
    async () => {
      const slow = replica('replica-killed', { WAYFINDER_DIGEST_RATE: '2' });
      await slow.ready;
      slow.go();
      await slack.waitFor(() => (slack.digest.posted.length >= 3 ? true : undefined), 60_000);
      slow.child.kill('SIGKILL');
      const killed = await slow.exited;
      expect(killed.signal).toBe('SIGKILL');
      expect(slack.digest.posted.length).toBeLessThan(TEAMS);
      // Its job lease and its last claim run out; the next tick after restart runs the rest.
      const restarted = replica('replica-restarted', { UNTIL_RAN: 'true' });
      await restarted.ready;
      restarted.go();
      const done = await restarted.exited;
      expect(done.code, done.stderr).toBe(0);
      expect([...postsPerChannel().keys()]).toHaveLength(TEAMS);
      expect([...postsPerChannel().values()].every((count) => count === 1)).toBe(true);
    },
    CHILD_TIMEOUT_MS,
  );
});
