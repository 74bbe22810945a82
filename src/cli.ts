/**
 * The `wayfinder` command line. Each subcommand parses its arguments, asks the wiring in `main.ts` for what it
 * needs, and prints. Exit codes: 0 done, 1 something failed (e.g. a descriptor did not validate), 2 bad usage.
 */
import { parseArgs } from 'node:util';
import { formatSyncSummary } from './catalog/github-sync.ts';
import { createGitHubUrlReader } from './catalog/github-url-reader.ts';
import { formatIngestError, formatSkippedDocument, importCatalog, validateCatalog } from './catalog/import-catalog.ts';
import type { UrlReader } from './catalog/load-descriptors.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { runConsole } from './console/console.ts';
import { createProgressBar } from './console/progress.ts';
import { renderText } from './console/render.ts';
import { runCommandLine } from './core/commands/index.ts';
import { localViewer } from './core/commands/types.ts';
import { DatabaseInUseError } from './db/data-dir-lock.ts';
import { InMemoryConditionalCache } from './github/InMemoryConditionalCache.ts';
import { createLogger, type Logger } from './logger.ts';
import { createGitHubGateway, openWayfinder, serveWayfinder } from './main.ts';
import { renderSlackMessage } from './slack/render/message.ts';

const HELP = `wayfinder — the developer portal in chat

Usage:
  wayfinder start                         serve Slack when SLACK_BOT_TOKEN is set, else open the local console
  wayfinder console                       the local console: type /owner payments-api
  wayfinder run "<command>" [--format text|json|slack]
                                          answer one command and print it (json: the view-model; slack: Block Kit)
  wayfinder migrate                       apply database migrations
  wayfinder catalog import <path...>      import catalog-info.yaml files and directories
  wayfinder catalog validate <path...>    check descriptors without importing (for a repository's CI)
  wayfinder catalog sync [--force]        sync the GitHub organisation (GITHUB_ORG) now; --force reads every repository
  wayfinder catalog errors                list the failures of the last imports and syncs

Settings come from the environment; see .env.example.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP);
    return 0;
  }
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel });

  switch (command) {
    case 'start': {
      if (!config.slack) {
        logger.info('No Slack credentials set (SLACK_BOT_TOKEN); opening the local console.');
        return openConsole(config, logger);
      }
      const wayfinder = await openWayfinder(config, logger);
      const server = await serveWayfinder(wayfinder, config, logger);
      await waitForSignal();
      logger.info('Shutting down.');
      await server.close();
      await wayfinder.close();
      return 0;
    }
    case 'console':
      return openConsole(config, logger);
    case 'run':
      return runOnce(rest, config, logger);
    case 'migrate': {
      const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
      await wayfinder.close();
      console.log('Migrations applied.');
      return 0;
    }
    case 'catalog':
      return catalogCommand(rest, config, logger);
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

async function openConsole(config: Config, logger: Logger) {
  const wayfinder = await openWayfinder(config, logger);
  try {
    await runConsole({
      context: { store: wayfinder.store, refresher: wayfinder.refresher, viewer: localViewer },
      input: process.stdin,
      output: process.stdout,
    });
    return 0;
  } finally {
    await wayfinder.close();
  }
}

async function runOnce(args: string[], config: Config, logger: Logger) {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'text' } },
  });
  const format = values.format;
  if (format !== 'text' && format !== 'json' && format !== 'slack') {
    throw new UsageError(`--format must be text, json or slack, not "${format}".`);
  }
  if (positionals.length === 0)
    throw new UsageError('wayfinder run needs a command, e.g. wayfinder run "/owner payments-api".');
  const wayfinder = await openWayfinder(config, logger);
  try {
    const message = await runCommandLine(
      { store: wayfinder.store, refresher: wayfinder.refresher, viewer: localViewer },
      positionals.join(' '),
    );
    if (format === 'json') console.log(JSON.stringify(message, null, 2));
    else if (format === 'slack') console.log(JSON.stringify(renderSlackMessage(message), null, 2));
    else console.log(renderText(message, { color: process.stdout.isTTY }));
    return 0;
  } finally {
    await wayfinder.close();
  }
}

async function catalogCommand(args: string[], config: Config, logger: Logger): Promise<number> {
  const [action, ...paths] = args;
  const cwd = process.cwd();
  if (action === 'validate') {
    if (paths.length === 0) throw new UsageError('wayfinder catalog validate needs at least one file or directory.');
    const result = await validateCatalog({ paths, ...(await urlReaderFor(config, logger)) });
    for (const error of result.errors) console.error(formatIngestError(error, cwd));
    for (const skipped of result.skipped) console.error(formatSkippedDocument(skipped, cwd));
    console.log(`${result.valid} valid, ${result.failed} failed, ${result.skipped.length} skipped`);
    return result.failed > 0 ? 1 : 0;
  }
  if (action === 'import') {
    if (paths.length === 0) throw new UsageError('wayfinder catalog import needs at least one file or directory.');
    const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
    try {
      const reader = await urlReaderFor(config, logger);
      const { counts, errors, skipped } = await importCatalog({ paths, store: wayfinder.store, ...reader });
      for (const error of errors) console.error(formatIngestError(error, cwd));
      for (const document of skipped) console.error(formatSkippedDocument(document, cwd));
      // Orphaned when there are any, as /wayfinder refresh says it: entities this root no longer holds.
      const orphaned = counts.orphaned > 0 ? `, ${counts.orphaned} orphaned` : '';
      console.log(
        `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged${orphaned}, ${counts.failed} failed, ${skipped.length} skipped`,
      );
      return counts.failed > 0 ? 1 : 0;
    } finally {
      await wayfinder.close();
    }
  }
  if (action === 'sync') return syncCommand(paths, config, logger);
  if (action === 'errors') {
    const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
    try {
      const errors = await wayfinder.store.listIngestErrors();
      if (errors.length === 0) console.log('No errors: every descriptor imported cleanly.');
      for (const error of errors) console.log(formatIngestError(error, cwd));
      return 0;
    } finally {
      await wayfinder.close();
    }
  }
  throw new UsageError(`Unknown catalog action "${action ?? ''}"; expected import, validate, sync or errors.`);
}

/** With GitHub configured, hand imports read `url` targets and URL placeholders through it; else they are skipped. */
async function urlReaderFor(config: Config, logger: Logger): Promise<{ reader?: UrlReader }> {
  if (!config.github) return {};
  const gateway = await createGitHubGateway({ config: config.github, cache: new InMemoryConditionalCache(), logger });
  return { reader: createGitHubUrlReader({ gateway }) };
}

/** `wayfinder catalog sync [--force]`: the GitHub organisation now, with a progress bar and a summary. */
async function syncCommand(args: string[], config: Config, logger: Logger): Promise<number> {
  const { values } = parseArgs({ args, options: { force: { type: 'boolean', default: false } } });
  if (!config.github) {
    throw new UsageError(
      'wayfinder catalog sync reads a GitHub organisation: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys).',
    );
  }
  const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
  try {
    if (!wayfinder.github) throw new Error('GitHub is configured but the sync was not created.');
    const bar = createProgressBar({ stream: process.stderr, label: `Syncing ${config.github.org}` });
    const summary = await wayfinder.github.syncOrganisation({
      force: values.force,
      onProgress: (progress) => bar.update(progress),
    });
    bar.finish();
    for (const error of summary.errors) console.error(formatIngestError(error, process.cwd()));
    for (const failure of summary.failed) console.error(`${failure.source}: left as it was: ${failure.reason}`);
    console.log(formatSyncSummary(config.github.org, summary));
    return summary.counts.failed > 0 || summary.failed.length > 0 ? 1 : 0;
  } finally {
    await wayfinder.close();
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${HELP}`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
    } else if (error instanceof DatabaseInUseError) {
      // One line saying who holds the database and what to do; nothing was read or written.
      console.error(error.message);
      process.exitCode = 1;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
