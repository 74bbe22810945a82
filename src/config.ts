/**
 * Settings, parsed once from the environment with zod. Nothing else reads `process.env`.
 * `.env.example` lists every key with a comment.
 */
import { z } from 'zod';

const flag = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
    .optional()
    .transform((value) => (value === undefined ? defaultValue : ['true', '1', 'yes'].includes(value)));

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const EnvSchema = z
  .object({
    DATABASE_URL: optionalText.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// connection URL')
        .optional(),
    ),
    WAYFINDER_DATA_DIR: z.string().default('./data'),
    WAYFINDER_DEMO: flag(true),
    PORT: z.coerce.number({ error: 'expected a port number' }).int().min(0).max(65535).default(3000),
    HOST: z.string().default('0.0.0.0'),
    SLACK_BOT_TOKEN: optionalText.pipe(
      z.string().startsWith('xoxb-', 'expected a bot token starting with xoxb-').optional(),
    ),
    SLACK_SIGNING_SECRET: optionalText,
    SLACK_APP_TOKEN: optionalText.pipe(
      z.string().startsWith('xapp-', 'expected an app-level token starting with xapp-').optional(),
    ),
    SLACK_API_URL: optionalText.pipe(z.url({ error: 'expected a URL such as https://slack.com/api/' }).optional()),
    LOG_LEVEL: z
      .enum(['debug', 'info', 'warn', 'error'], { error: 'expected debug, info, warn or error' })
      .default('info'),
  })
  .superRefine((env, context) => {
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

export interface Config {
  database: { url?: string; dataDir: string };
  loadDemo: boolean;
  http: { port: number; host: string };
  slack?: SlackConfig;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Wayfinder's settings are not valid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
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
  return {
    database: { url: values.DATABASE_URL, dataDir: values.WAYFINDER_DATA_DIR },
    loadDemo: values.WAYFINDER_DEMO,
    http: { port: values.PORT, host: values.HOST },
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
    logLevel: values.LOG_LEVEL,
  };
}
