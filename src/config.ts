/**
 * Settings, parsed once from the environment with zod. Nothing else reads `process.env`.
 * `.env.example` lists every key with a comment.
 */
import { z } from 'zod';
import { type AiConfig, aiConfig, aiEnv, checkAiEnv, type DocsConfig, docsConfig } from './config-ai.ts';
import { packagePath } from './paths.ts';

export type { AiConfig, DocsConfig } from './config-ai.ts';

const flag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .optional()
    .transform((value) => (value === undefined ? defaultValue : ['true', '1', 'yes'].includes(value)));

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** Digits only, for GitHub's numeric ids. */
const numericId = (what: string) => optionalText.pipe(z.string().regex(/^\d+$/, `expected ${what}`).optional());

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `7d`, `12h`, `30m`, `1d12h`: one or more number-and-unit pairs, in milliseconds. */
export function parseDuration(text: string): number | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^(\d+(ms|s|m|h|d|w))+$/.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) {
    total += Number(amount) * DURATION_UNITS_MS[unit as keyof typeof DURATION_UNITS_MS];
  }
  return total;
}

/** A 5- or 6-field cron expression, `defaultValue` when unset. */
/** A duration of at most a minute, or `0`; `examples` name two, such as `5s, 500ms`. */
function shortDurationSetting(defaultValue: string, examples: string) {
  return optionalText
    .transform((value) => value ?? defaultValue)
    .pipe(
      z
        .string()
        .transform((text) => (text === '0' ? 0 : parseDuration(text)))
        .pipe(z.number({ error: `expected a duration such as ${examples} or 0` }).max(60_000, 'expected at most 60s')),
    );
}

function cronSetting(defaultValue: string) {
  return optionalText
    .transform((value) => value ?? defaultValue)
    .pipe(
      z
        .string()
        .refine(
          (cron) => [5, 6].includes(cron.split(/\s+/).length) && /^[\d*/,\-?LW#A-Za-z\s]+$/.test(cron),
          `expected a cron expression of 5 or 6 fields, such as ${defaultValue}`,
        ),
    )
    .transform((cron) => cron.trim().replace(/\s+/g, ' '));
}

const EnvSchema = z
  .object({
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection URL')
        .optional(),
    ),
    WAYFINDER_DATA_DIR: z.string().default('./data'),
    WAYFINDER_TEMPLATES_DIR: z.string().min(1).optional(),
    // Unset: load the demo only where nothing inbound is configured (the console); a deployment starts empty.
    WAYFINDER_DEMO: z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .optional()
      .transform((value) => (value === undefined ? undefined : ['true', '1', 'yes'].includes(value))),
    PORT: z.coerce.number({ error: 'expected a port number' }).int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    WAYFINDER_SHUTDOWN_DELAY: shortDurationSetting('5s', '5s, 500ms'),
    WAYFINDER_HEAP_GROWTH: z.coerce
      .number({ error: "expected a whole number of percent such as 50, or 0 for V8's own choice" })
      .int({ error: "expected a whole number of percent such as 50, or 0 for V8's own choice" })
      .min(0, { error: "expected a whole number of percent such as 50, or 0 for V8's own choice" })
      .max(300, { error: 'expected at most 300 (V8 on its own grows the heap by up to 300%)' })
      .default(50),
    SLACK_BOT_TOKEN: optionalText.pipe(
      z.string().startsWith('xoxb-', 'expected a bot token starting with xoxb-').optional(),
    ),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.pipe(
      z.string().startsWith('xapp-', 'expected an app-level token starting with xapp-').optional(),
    ),
    SLACK_API_URL: optionalText.pipe(z.url({ error: 'expected a URL such as https://slack.com/api/' }).optional()),
    GITHUB_ORG: optionalText.pipe(
      z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,38}$/, 'expected a GitHub organisation login such as acme-corp')
        .optional(),
    ),
    GITHUB_TOKEN: optionalText,
    GITHUB_APP_ID: numericId("the GitHub App's numeric ID (App settings → General → About → App ID)"),
    GITHUB_APP_PRIVATE_KEY: optionalText
      .transform((value) => value?.replace(/\\n/g, '\n'))
      .pipe(
        z
          .string()
          .regex(
            /-----BEGIN (RSA )?PRIVATE KEY-----[\s\S]+-----END (RSA )?PRIVATE KEY-----/,
            "expected the App's PEM private key (-----BEGIN RSA PRIVATE KEY----- …), line breaks written as \\n allowed",
          )
          .optional(),
      ),
    GITHUB_APP_PRIVATE_KEY_FILE: optionalText,
    GITHUB_APP_INSTALLATION_ID: numericId(
      "the numeric installation ID (the number at the end of the installation's settings URL)",
    ),
    GITHUB_API_URL: optionalText.pipe(
      z.url({ error: 'expected a URL such as https://ghe.example.com/api/v3' }).optional(),
    ),
    GITHUB_WRITE_INTERVAL: shortDurationSetting('1s', '1s, 250ms'),
    GITHUB_WEBHOOK_SECRET: optionalText,
    GITHUB_CATALOG_PATHS: optionalText
      .transform((value) =>
        (value ?? 'catalog-info.yaml')
          .split(',')
          .map((path) => path.trim().replace(/^\/+/, ''))
          .filter((path) => path !== ''),
      )
      .pipe(
        z
          .array(
            z
              .string()
              .refine(
                (path) => !/[*?[\]{}]/.test(path) && !path.split('/').includes('..') && !path.endsWith('/'),
                'expected file paths inside the repository, without wildcards or .., such as catalog-info.yaml',
              ),
          )
          .min(1, 'expected at least one path, such as catalog-info.yaml'),
      ),
    GITHUB_INCLUDE_FORKS: flag(false),
    GITHUB_TOPIC: optionalText.pipe(
      z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{0,49}$/, 'expected a GitHub topic: lowercase letters, digits and hyphens')
        .optional(),
    ),
    WAYFINDER_SYNC_CRON: cronSetting('*/30 * * * *'),
    WAYFINDER_ORPHAN_GRACE: optionalText
      .transform((value) => value ?? '7d')
      .pipe(
        z
          .string()
          .transform((text) => parseDuration(text))
          .pipe(z.number({ error: 'expected a duration such as 7d, 12h or 30m' })),
      ),
    WAYFINDER_SCORECARDS_DIR: z.string().min(1).optional(),
    WAYFINDER_DIGEST_CRON: cronSetting('0 9 * * 1'),
    WAYFINDER_FACTS_CRON: cronSetting('0 */6 * * *'),
    WAYFINDER_DIGEST_ORG_CHANNEL: optionalText,
    WAYFINDER_DIGEST_RATE: optionalText
      .transform((value) => value ?? '1')
      .pipe(
        z
          .string()
          .transform(Number)
          .pipe(
            z
              .number({ error: 'expected posts per second, such as 1 or 0.5' })
              .positive('expected posts per second above 0, such as 1')
              .max(50, 'expected at most 50 posts per second'),
          ),
      ),
    LOG_LEVEL: z
      .enum(['debug', 'info', 'warn', 'error'], { error: 'expected debug, info, warn or error' })
      .default('info'),
    ...aiEnv,
  })
  .superRefine((env, context) => {
    checkAiEnv(env, context);
    if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
      context.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message:
          'is required with SLACK_BOT_TOKEN to serve Slack over HTTP (Basic Information → App Credentials → Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
      });
    }
    if (!env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
      context.addIssue({
        code: 'custom',
        path: ['SLACK_BOT_TOKEN'],
        message: 'is required to serve Slack (OAuth & Permissions → Bot User OAuth Token, starting with xoxb-)',
      });
    }
    const appKeys = {
      GITHUB_APP_ID: env.GITHUB_APP_ID,
      GITHUB_APP_PRIVATE_KEY: env.GITHUB_APP_PRIVATE_KEY ?? env.GITHUB_APP_PRIVATE_KEY_FILE,
      GITHUB_APP_INSTALLATION_ID: env.GITHUB_APP_INSTALLATION_ID,
    };
    const appKeysSet = Object.values(appKeys).filter(Boolean).length;
    if (env.GITHUB_APP_PRIVATE_KEY && env.GITHUB_APP_PRIVATE_KEY_FILE) {
      context.addIssue({
        code: 'custom',
        path: ['GITHUB_APP_PRIVATE_KEY_FILE'],
        message: 'cannot be set together with GITHUB_APP_PRIVATE_KEY; expected one of the two',
      });
    }
    if (appKeysSet > 0 && appKeysSet < 3) {
      for (const [key, value] of Object.entries(appKeys)) {
        if (value) continue;
        context.addIssue({
          code: 'custom',
          path: [key],
          message:
            'is required with the other GitHub App keys (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE, GITHUB_APP_INSTALLATION_ID)',
        });
      }
    }
    if (env.GITHUB_TOKEN && appKeysSet > 0) {
      context.addIssue({
        code: 'custom',
        path: ['GITHUB_TOKEN'],
        message: 'cannot be set together with GitHub App keys; expected a token or an App, not both',
      });
    }
    if (env.GITHUB_ORG && !env.GITHUB_TOKEN && appKeysSet === 0) {
      context.addIssue({
        code: 'custom',
        path: ['GITHUB_TOKEN'],
        message:
          'is required with GITHUB_ORG (a token that can read the organisation), or set the GitHub App keys GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID',
      });
    }
    if (!env.GITHUB_ORG && (env.GITHUB_TOKEN || appKeysSet > 0)) {
      context.addIssue({
        code: 'custom',
        path: ['GITHUB_ORG'],
        message: 'is required to use GitHub (the organisation whose repositories and teams Wayfinder reads)',
      });
    }
  });

export interface SlackConfig {
  botToken: string;
  /** Absent in Socket Mode. */
  signingSecret?: string;
  /** Set → Socket Mode instead of HTTP. */
  appToken?: string;
  /** Web API base URL ending in `/`; Slack's own by default. */
  apiUrl?: string;
}

/** How Wayfinder signs in to GitHub: a token, or a GitHub App installation (recommended: higher rate limits). */
export type GitHubAuthConfig =
  | { type: 'token'; token: string }
  | {
      type: 'app';
      appId: number;
      installationId: number;
      /** The PEM text, or the path of the .pem file, which the wiring reads. */
      privateKey: { pem: string } | { file: string };
    };

export interface GitHubConfig {
  org: string;
  auth: GitHubAuthConfig;
  /** REST API base URL without a trailing slash (GitHub Enterprise Server, tests); GitHub's own when absent. */
  apiUrl?: string;
  /**
   * Least time (ms) between two writes to GitHub, GraphQL queries included (default 1,000: GitHub's guidance against
   * secondary rate limits; a pull request waits three times as long). 0 on a GitHub Enterprise Server without them.
   */
  writeIntervalMs: number;
  /** Secret that GitHub signs webhook deliveries with; webhooks are refused without it. */
  webhookSecret?: string;
  /** Paths of descriptor files in each repository, relative to its root, no wildcards. */
  catalogPaths: string[];
  includeForks: boolean;
  /** Only repositories with this topic are read. */
  topic?: string;
}

export interface Config {
  database: { url?: string; dataDir: string };
  /**
   * Load the demo organisation into an empty catalog. `WAYFINDER_DEMO` decides; unset, only when nothing inbound
   * (Slack, GitHub) is configured, so that a real deployment never answers with the demo's made-up teams.
   */
  loadDemo: boolean;
  http: {
    port: number;
    host: string;
    /**
     * On SIGTERM, how long `/readyz` answers 503 while requests are still served, so that load balancers stop
     * sending new ones before the server closes. Not on SIGINT (Ctrl-C).
     */
    shutdownDelayMs: number;
    /**
     * How far, in percent, V8 lets the old generation grow past what survived the last full collection before the next
     * one (V8's `--heap-growing-percent`); 0 leaves it to V8, which lets a server's heap grow to up to four times its
     * live size under load.
     */
    heapGrowthPercent: number;
  };
  slack?: SlackConfig;
  /** Present when GITHUB_ORG is set. */
  github?: GitHubConfig;
  sync: {
    /** When the catalog is synced from GitHub: a 5-field cron expression, or 6 with seconds first. */
    cron: string;
    /** How long an entity that vanished from its source stays (as an orphan) before it is deleted. */
    orphanGraceMs: number;
  };
  scorecards: ScorecardsConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Self-service templates: the folder of `<name>/template.yaml` files (`WAYFINDER_TEMPLATES_DIR`). */
  templates: { dir: string };
  /** An OpenAI-compatible endpoint for the docs (embeddings, answers); absent: keyword search and quoted passages. */
  ai?: AiConfig;
  docs: DocsConfig;
}

export interface ScorecardsConfig {
  /** Where the scorecard files are (`*.yaml`); a folder that does not exist holds none. */
  dir: string;
  /** When the weekly digest is posted (cron, in `TZ`). */
  digestCron: string;
  /** When the GitHub facts are collected (cron, in `TZ`); with GitHub only. */
  factsCron: string;
  /** The leadership digest's channel; absent: none is posted. */
  orgChannel?: string;
  /** The digest's pace: posts per second across all channels. */
  postsPerSecond: number;
}

/**
 * Whether anything can reach Wayfinder from outside (Slack over HTTP or Socket Mode, GitHub webhooks and the
 * scheduled sync; later Teams): then `wayfinder start` serves, else it opens the local console.
 */
export function hasInbound(config: Config): boolean {
  return config.slack !== undefined || config.github !== undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Wayfinder's settings are not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Every cron setting by its environment key, with its value and an example: what the settings check validates. */
export function cronSettings(config: Config): Record<string, { cron: string; example: string }> {
  return {
    WAYFINDER_SYNC_CRON: { cron: config.sync.cron, example: '*/30 * * * *' },
    WAYFINDER_DIGEST_CRON: { cron: config.scorecards.digestCron, example: '0 9 * * 1' },
    WAYFINDER_FACTS_CRON: { cron: config.scorecards.factsCron, example: '0 */6 * * *' },
  };
}

/** Reads every setting at once and reports every bad one together, by its environment key. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
    );
  }
  const values = parsed.data;
  const inbound = values.SLACK_BOT_TOKEN !== undefined || values.GITHUB_ORG !== undefined;
  return {
    database: { url: values.DATABASE_URL, dataDir: values.WAYFINDER_DATA_DIR },
    loadDemo: values.WAYFINDER_DEMO ?? !inbound,
    http: {
      port: values.PORT,
      host: values.HOST,
      shutdownDelayMs: values.WAYFINDER_SHUTDOWN_DELAY,
      heapGrowthPercent: values.WAYFINDER_HEAP_GROWTH,
    },
    slack: values.SLACK_BOT_TOKEN
      ? {
          botToken: values.SLACK_BOT_TOKEN,
          signingSecret: values.SLACK_SIGNING_SECRET,
          appToken: values.SLACK_APP_TOKEN,
          apiUrl:
            values.SLACK_API_URL &&
            (values.SLACK_API_URL.endsWith('/') ? values.SLACK_API_URL : `${values.SLACK_API_URL}/`),
        }
      : undefined,
    github: values.GITHUB_ORG ? githubConfig(values.GITHUB_ORG, values) : undefined,
    sync: {
      cron: values.WAYFINDER_SYNC_CRON,
      orphanGraceMs: values.WAYFINDER_ORPHAN_GRACE,
    },
    scorecards: {
      dir: values.WAYFINDER_SCORECARDS_DIR ?? packagePath('scorecards'),
      digestCron: values.WAYFINDER_DIGEST_CRON,
      factsCron: values.WAYFINDER_FACTS_CRON,
      ...(values.WAYFINDER_DIGEST_ORG_CHANNEL ? { orgChannel: values.WAYFINDER_DIGEST_ORG_CHANNEL } : {}),
      postsPerSecond: values.WAYFINDER_DIGEST_RATE,
    },
    logLevel: values.LOG_LEVEL,
    // The shipped templates wherever Wayfinder is started from (as the demo catalog is found).
    templates: { dir: values.WAYFINDER_TEMPLATES_DIR ?? packagePath('templates') },
    ...(aiConfig(values) ? { ai: aiConfig(values) } : {}),
    docs: docsConfig(values),
  };
}

/** Only called on settings the schema accepted, so the token or all App keys are present. */
function githubConfig(org: string, values: z.output<typeof EnvSchema>): GitHubConfig {
  const auth: GitHubAuthConfig = values.GITHUB_TOKEN
    ? { type: 'token', token: values.GITHUB_TOKEN }
    : {
        type: 'app',
        appId: Number(values.GITHUB_APP_ID),
        installationId: Number(values.GITHUB_APP_INSTALLATION_ID),
        privateKey: values.GITHUB_APP_PRIVATE_KEY
          ? { pem: values.GITHUB_APP_PRIVATE_KEY }
          : { file: values.GITHUB_APP_PRIVATE_KEY_FILE ?? '' },
      };
  return {
    org,
    auth,
    apiUrl: values.GITHUB_API_URL?.replace(/\/+$/, ''),
    writeIntervalMs: values.GITHUB_WRITE_INTERVAL,
    webhookSecret: values.GITHUB_WEBHOOK_SECRET,
    catalogPaths: values.GITHUB_CATALOG_PATHS,
    includeForks: values.GITHUB_INCLUDE_FORKS,
    topic: values.GITHUB_TOPIC,
  };
}
