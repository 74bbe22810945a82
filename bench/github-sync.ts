/**
 * The GitHub sync benchmark: an organisation of N repositories (one catalog-info.yaml each, a component and an API)
 * plus teams and people, served by the fake GitHub REST API with a fixed latency per request, synced through the
 * real octokit client into a fresh database. Measures the first sync, an unchanged re-sync, and one changed
 * repository picked up by a signed `push` webhook sent to a running Wayfinder server.
 */
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { openWayfinder, serveWayfinder } from '../src/main.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../test/fakes/github-api.ts';
import { deliverGitHubWebhook, pushPayload } from '../test/helpers/github-webhooks.ts';

const ORG = 'acme';
const TOKEN = 'ghp_bench';
const WEBHOOK_SECRET = 'bench-webhook-secret';
const TEAMS = 20;
const PEOPLE_PER_TEAM = 5;

export interface SyncRun {
  seconds: number;
  requests: number;
  notModified: number;
  read: number;
  created: number;
  updated: number;
  failed: number;
}

export interface SyncBench {
  repositories: number;
  teams: number;
  people: number;
  latencyMs: number;
  entities: number;
  first: SyncRun;
  again: SyncRun;
  /** From the webhook delivery to the changed entity being readable in the database. */
  webhookSeconds: number;
}

export async function benchGitHubSync(opts: {
  databaseEnv: Record<string, string>;
  repositories: number;
  latencyMs: number;
  progress: (line: string) => void;
}): Promise<SyncBench> {
  const github = await startFakeGitHubApi({ latencyMs: opts.latencyMs, token: TOKEN });
  try {
    populate(github, opts.repositories);
    const env = {
      ...opts.databaseEnv,
      WAYFINDER_DEMO: 'false',
      LOG_LEVEL: 'warn',
      PORT: '0',
      HOST: '127.0.0.1',
      GITHUB_ORG: ORG,
      GITHUB_TOKEN: TOKEN,
      GITHUB_API_URL: github.url,
      GITHUB_WEBHOOK_SECRET: WEBHOOK_SECRET,
    };
    const config = loadConfig(env);
    const logger = createLogger({ level: 'warn', name: 'bench' });
    const wayfinder = await openWayfinder(config, logger);
    try {
      const sync = wayfinder.github;
      if (!sync) throw new Error('The bench configured GitHub, but Wayfinder created no sync.');
      opts.progress(`[sync] first sync of ${opts.repositories} repositories, ${opts.latencyMs} ms per request…`);
      const first = await timeSync(() => sync.syncOrganisation());
      opts.progress(`[sync] first: ${first.seconds.toFixed(2)} s, ${first.requests} requests; again…`);
      const again = await timeSync(() => sync.syncOrganisation());
      opts.progress(`[sync] again: ${again.seconds.toFixed(2)} s, ${again.requests} requests; webhook…`);
      const webhookSeconds = await timeWebhook({ github, wayfinder, config, logger });
      const entities = await wayfinder.store.countEntities();
      return {
        repositories: opts.repositories,
        teams: TEAMS,
        people: TEAMS * PEOPLE_PER_TEAM,
        latencyMs: opts.latencyMs,
        entities,
        first,
        again,
        webhookSeconds,
      };
    } finally {
      await wayfinder.close();
    }
  } finally {
    await github.close();
  }
}

async function timeSync(
  run: () => Promise<{
    requests: number;
    notModified: number;
    read: number;
    counts: { created: number; updated: number; failed: number };
  }>,
): Promise<SyncRun> {
  const t0 = performance.now();
  const summary = await run();
  return {
    seconds: (performance.now() - t0) / 1000,
    requests: summary.requests,
    notModified: summary.notModified,
    read: summary.read,
    created: summary.counts.created,
    updated: summary.counts.updated,
    failed: summary.counts.failed,
  };
}

/** Changes one repository's file, delivers GitHub's `push` to the server, and waits until the change is stored. */
async function timeWebhook(opts: {
  github: FakeGitHubApi;
  wayfinder: Awaited<ReturnType<typeof openWayfinder>>;
  config: ReturnType<typeof loadConfig>;
  logger: ReturnType<typeof createLogger>;
}): Promise<number> {
  const server = await serveWayfinder(opts.wayfinder, opts.config, opts.logger);
  try {
    const repo = repositoryName(7);
    opts.github.setFile({ repo: `${ORG}/${repo}`, path: 'catalog-info.yaml', text: descriptor(7, 'deprecated') });
    const t0 = performance.now();
    const { status } = await deliverGitHubWebhook({
      url: `http://127.0.0.1:${server.port}/github/webhook`,
      secret: WEBHOOK_SECRET,
      event: 'push',
      payload: pushPayload({ repo: `${ORG}/${repo}`, modified: ['catalog-info.yaml'] }),
    });
    if (status >= 300) throw new Error(`The webhook was answered ${status}.`);
    const ref = `component:default/${repo}`;
    for (;;) {
      const entity = await opts.wayfinder.store.getEntity({ ref });
      if (entity?.envelope.spec?.lifecycle === 'deprecated') return (performance.now() - t0) / 1000;
      if (performance.now() - t0 > 30_000) throw new Error(`${ref} was not updated within 30 s of the webhook.`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await server.close();
  }
}

function populate(github: FakeGitHubApi, repositories: number): void {
  const people = Array.from({ length: TEAMS * PEOPLE_PER_TEAM }, (_, i) => ({
    login: `dev-${String(i + 1).padStart(4, '0')}`,
    name: `Developer ${i + 1}`,
    email: `dev-${i + 1}@acme.example`,
  }));
  github.addUsers(...people);
  github.addTeams({
    org: ORG,
    teams: Array.from({ length: TEAMS }, (_, t) => ({
      slug: teamName(t),
      name: `Team ${t + 1}`,
      ...(t > 0 && t % 5 !== 0 ? { parent: teamName(t - (t % 5)) } : {}),
      members: people.slice(t * PEOPLE_PER_TEAM, (t + 1) * PEOPLE_PER_TEAM).map((person) => person.login),
    })),
  });
  github.addRepos(
    ...Array.from({ length: repositories }, (_, i) => ({
      fullName: `${ORG}/${repositoryName(i)}`,
      files: { 'catalog-info.yaml': descriptor(i, 'production') },
    })),
  );
}

function repositoryName(i: number): string {
  return `service-${String(i + 1).padStart(5, '0')}`;
}

function teamName(t: number): string {
  return `team-${String(t + 1).padStart(2, '0')}`;
}

function descriptor(i: number, lifecycle: string): string {
  const name = repositoryName(i);
  const owner = teamName(i % TEAMS);
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  annotations:
    github.com/project-slug: ${ORG}/${name}
spec:
  type: service
  lifecycle: ${lifecycle}
  owner: ${owner}
  providesApis: [${name}-api]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: ${name}-api
spec:
  type: openapi
  lifecycle: ${lifecycle}
  owner: ${owner}
  definition: "openapi: 3.0.0"
`;
}
