import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';
import { startFakeOpenAiApi } from '../fakes/openai-api.ts';
import { exited, REPO_ROOT, runWayfinder, wayfinderArgv } from '../helpers/cli.ts';
import { createIsolatedDatabaseEnv } from '../helpers/database.ts';

/** Six Wayfinder processes run one after another; on a busy 2-core machine each may take a minute or more to start. */
const TIMEOUT_MS = 6 * 90_000;
const DEMO_CATALOG = fileURLToPath(new URL('../../demo/catalog', import.meta.url));

let isolated: Awaited<ReturnType<typeof createIsolatedDatabaseEnv>>;
let docs: string;
beforeAll(async () => {
  isolated = await createIsolatedDatabaseEnv();
  docs = await mkdtemp(path.join(tmpdir(), 'wayfinder-cli-docs-'));
  await mkdir(path.join(docs, 'runbooks'));
  await writeFile(
    path.join(docs, 'runbooks', 'settlement.md'),
    '# Settlement\n\n## Rerun the settlement batch\n\nRun `settlectl rerun --date 2024-11-03` from the ops host.\n',
  );
});
afterAll(async () => {
  await isolated?.remove();
  await rm(docs, { recursive: true, force: true });
});

const wayfinder = (args: string[]) =>
  runWayfinder(args, { env: { LOG_LEVEL: 'warn', WAYFINDER_DEMO: 'false', ...isolated.env } });

describe('wayfinder docs and wayfinder ask', () => {
  it(
    'indexes a folder for an entity, skips it when unchanged, reports the status and answers from it',
    async () => {
      expect((await wayfinder(['catalog', 'import', DEMO_CATALOG])).code).toBe(0);

      const first = await wayfinder(['docs', 'index', docs, '--entity', 'payments-worker']);
      expect(first.stdout).toMatch(
        /^Indexed .* for component:default\/payments-worker: 1 file indexed, 0 unchanged, 0 removed; 1 chunk written/,
      );
      expect(first.code).toBe(0);
      const again = await wayfinder(['docs', 'index', docs, '--entity', 'payments-worker']);
      expect(again.stdout).toMatch(/0 files indexed, 1 unchanged, 0 removed; 0 chunks written/);
      expect(again.stdout).not.toContain('Moved');

      const status = await wayfinder(['docs', 'status']);
      expect(status.stdout).toMatch(/\(component:default\/payments-worker\): 1 file, 1 chunk, 0 embedded/);
      expect(status.stdout).toContain('Search: keyword only (no WAYFINDER_EMBEDDING_MODEL).');

      const answer = await wayfinder(['ask', 'how do I rerun the settlement batch?']);
      expect(answer.code).toBe(0);
      expect(answer.stdout).toContain(
        'https://github.com/acme/payments-worker/blob/HEAD/docs/runbooks/settlement.md#rerun-the-settlement-batch',
      );
      expect(answer.stdout).toContain('settlectl rerun --date 2024-11-03');

      const unknown = await wayfinder(['docs', 'index', docs, '--entity', 'no-such-service']);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('--entity no-such-service: No entity named no-such-service.');
    },
    TIMEOUT_MS,
  );

  it(
    'says what is wrong with a folder or an --entity, moves a folder to another entity, and forgets it',
    async () => {
      const missing = await wayfinder(['docs', 'index', '/nonexistent/dir', '--entity', 'payments-worker']);
      expect(missing.code).toBe(2);
      expect(missing.stderr.trim()).toBe(
        '/nonexistent/dir is not a folder; expected a folder of markdown files (or one with an mkdocs.yml).',
      );

      const empty = await mkdtemp(path.join(tmpdir(), 'wayfinder-cli-empty-'));
      try {
        await writeFile(path.join(empty, 'notes.txt'), 'not markdown');
        const none = await wayfinder(['docs', 'index', empty, '--entity', 'payments-worker']);
        expect(none.code).toBe(1);
        expect(none.stderr).toContain(`${empty} holds no markdown; expected .md or .markdown files`);

        const ambiguous = await wayfinder(['docs', 'index', docs, '--entity', 'payments']);
        expect(ambiguous.code).toBe(1);
        expect(ambiguous.stderr).toContain('group:default/payments');
        expect(ambiguous.stderr).toContain('system:default/payments');
        expect(ambiguous.stderr).not.toContain('component:default/payments-api');

        const moved = await wayfinder(['docs', 'index', docs, '--entity', 'ledger-service']);
        expect(moved.code).toBe(0);
        expect(moved.stdout).toContain(
          "Moved from component:default/payments-worker (https://github.com/acme/payments-worker/blob/HEAD/docs/): every file's chunks now belong to component:default/ledger-service.",
        );
        const answer = await wayfinder(['ask', 'how do I rerun the settlement batch?', '--entity', 'ledger-service']);
        expect(answer.stdout).toContain('settlectl rerun --date 2024-11-03');

        const forgot = await wayfinder(['docs', 'forget', docs]);
        expect(forgot.code).toBe(0);
        expect(forgot.stdout).toContain(`Forgot dir:${path.resolve(docs)}: 1 file and 1 chunk removed from the index.`);
        const status = await wayfinder(['docs', 'status']);
        expect(status.stdout).not.toContain(path.resolve(docs));
        expect(status.stdout).not.toContain(empty);
        expect(status.stdout).toContain('Questions answered in Slack: 0');
      } finally {
        await rm(empty, { recursive: true, force: true });
      }
    },
    TIMEOUT_MS,
  );

  it(
    'refuses a --base-url that is not an http(s) address, with exit code 2, before indexing anything',
    async () => {
      for (const given of ['notaurl', 'javascript:alert(1)//']) {
        const refused = await wayfinder(['docs', 'index', docs, '--entity', 'payments-worker', '--base-url', given]);
        expect(refused.code).toBe(2);
        expect(refused.stderr.trim()).toBe(
          `--base-url ${given}: expected an http:// or https:// address where the folder's pages are published, such as https://github.com/acme/payments-api/blob/main/docs/.`,
        );
        expect(refused.stdout).toBe('');
      }
    },
    TIMEOUT_MS,
  );

  it(
    'reads the techdocs-ref docs from GitHub after catalog sync, lists them in docs status, and reads them again by hand',
    async () => {
      let github: FakeGitHubApi | undefined;
      try {
        github = await startFakeGitHubApi({ token: 'ghp_cli' });
        github.addRepos({
          fullName: 'acme/handbook',
          files: {
            'catalog-info.yaml':
              'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: handbook\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: website\n  lifecycle: production\n  owner: platform\n',
            'mkdocs.yml': 'site_name: Handbook\nnav:\n  - Expenses: expenses.md\n',
            'docs/expenses.md': '# Travel\n\n## Hotels\n\nBook hotels through the travel desk.\n',
          },
        });
        const env = { GITHUB_ORG: 'acme', GITHUB_TOKEN: 'ghp_cli', GITHUB_API_URL: github.url };
        const withGitHub = (args: string[]) =>
          runWayfinder(args, { env: { LOG_LEVEL: 'warn', WAYFINDER_DEMO: 'false', ...isolated.env, ...env } });

        expect((await withGitHub(['catalog', 'sync'])).code).toBe(0);
        const status = await wayfinder(['docs', 'status']);
        expect(status.stdout).toContain('From GitHub (backstage.io/techdocs-ref): 1 source');
        expect(status.stdout).toContain(
          '  component:default/handbook from https://github.com/acme/handbook/blob/main/docs/: 1 file, 1 chunk',
        );

        const again = await withGitHub(['docs', 'index', '--github']);
        expect(again.stdout).toContain(
          'Docs from GitHub: 1 source read, 0 dropped, 0 private left out, 0 problems; 0 files indexed, 1 unchanged, 0 removed',
        );
        expect(again.code).toBe(0);
        expect((await wayfinder(['docs', 'index', '--github'])).stderr).toContain(
          'docs index --github reads the docs from GitHub: set GITHUB_ORG',
        );
      } finally {
        await github?.close();
      }
    },
    TIMEOUT_MS,
  );
});

describe('wayfinder ask with a chat model', () => {
  it(
    'prints the answer as the model streams it, and gives up on a stream that stalls with one line saying so',
    async () => {
      const openai = await startFakeOpenAiApi();
      // Three pieces, then nothing: the stream stays open and silent.
      openai.chatMode({ answer: 'Run the rollback workflow with the previous tag [1].', stallAfter: 3 });
      const demoDb = await createIsolatedDatabaseEnv();
      try {
        const child = spawn(process.execPath, wayfinderArgv(['ask', 'how do I roll back a deploy?']), {
          env: {
            PATH: process.env.PATH ?? '',
            LOG_LEVEL: 'warn',
            ...demoDb.env,
            OPENAI_API_KEY: 'sk-test',
            OPENAI_BASE_URL: openai.url,
            WAYFINDER_CHAT_MODEL: 'fake-chat',
            WAYFINDER_AI_TIMEOUT: '1',
          },
          cwd: REPO_ROOT,
        });
        const chunks: string[] = [];
        child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
        const code = await exited(child);
        const stdout = chunks.join('');
        // The streamed start came in writes of its own, a second before the rest.
        const first = chunks.findIndex((_, index) =>
          chunks
            .slice(0, index + 1)
            .join('')
            .includes('Run the rollback'),
        );
        expect(first).toBeGreaterThanOrEqual(0);
        expect(chunks.slice(0, first + 1).join('')).toBe('Run the rollback');
        expect(stdout).toContain(
          'The answering model is unavailable (the chat endpoint did not answer within 1 s); here are the best passages instead.',
        );
        expect(stdout).toContain('To roll back, run the `rollback` workflow with the previous release tag.');
        expect(code).toBe(0);
      } finally {
        openai.resume();
        await openai.close();
        await demoDb.remove();
      }
    },
    TIMEOUT_MS,
  );
});
