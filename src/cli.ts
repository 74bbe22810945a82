/**
 * The `wayfinder` command line, on commander. Each subcommand parses its arguments, asks the wiring in `main.ts` for
 * what it needs, and prints. Exit codes: 0 done, 1 something failed (e.g. a descriptor did not validate, the
 * database cannot be reached), 2 bad usage (an unknown command or option, a bad setting).
 *
 * Settings come from the environment, and from `.env` in the current directory when there is one (a variable set
 * in the environment wins over the file), read once here and parsed by `loadConfig`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { isExpectedError } from './chat/expected-errors.ts';
import { type Config, ConfigError, cronSettings, hasInbound, loadConfig } from './config.ts';
import { runConsole } from './console/console.ts';
import { createProgressBar } from './console/progress.ts';
import { renderText } from './console/render.ts';
import { createConsoleRequestOutcomes } from './console/request-outcomes.ts';
import { teamName } from './core/catalog/facts.ts';
import type { SkippedDocument } from './core/catalog/types.ts';
import { localViewer } from './core/commands/asker.ts';
import { runCommandLine } from './core/commands/index.ts';
import { InputError } from './core/errors.ts';
import type { CatalogStore } from './core/ports/catalog-store.ts';
import type { GitHubGateway } from './core/ports/github-gateway.ts';
import type { ParameterField, TemplateDefinition } from './core/ports/template-engine.ts';
import { REQUEST_STATES } from './core/requests/types.ts';
import type { Scorecard } from './core/scorecards/format.ts';
import { dayOf, periodOf, periodStart } from './core/scorecards/period.ts';
import { countOf, formatNumber, wordList } from './core/text.ts';
import { withoutStreamed } from './core/view-model.ts';
import { DrizzleDigestDeliveries } from './db/DrizzleDigestDeliveries.ts';
import { DatabaseInUseError } from './db/data-dir-lock.ts';
import { registerDocsCommands } from './docs/cli.ts';
import { removeDemoDocs } from './docs/services.ts';
import { InMemoryConditionalCache } from './github/InMemoryConditionalCache.ts';
import { explainGitHubFailure } from './github/request-failures.ts';
import { describeError } from './http/server.ts';
import { formatSyncSummary } from './ingestion/github-sync.ts';
import { createGitHubUrlReader } from './ingestion/github-url-reader.ts';
import {
  fileScope,
  formatIngestError,
  formatSkippedDocument,
  importCatalog,
  validateCatalog,
} from './ingestion/import-catalog.ts';
import type { UrlReader } from './ingestion/load-descriptors.ts';
import { purgeExpiredOrphans } from './ingestion/purge-orphans.ts';
import { invalidCronSettings } from './jobs/schedule.ts';
import { createLogger, type Logger } from './logger.ts';
import {
  createGitHubGateway,
  createTemplateEngine,
  DEMO_CATALOG,
  digestDependenciesFor,
  openRequests,
  openWayfinder,
  type Requests,
  refreshGitHubDocs,
  startWayfinder,
} from './main.ts';
import { packagePath } from './paths.ts';
import { formatRequest, formatRequestList } from './requests/format.ts';
import { collectGitHubFacts, describeFactsSummary } from './scorecards/collect-facts.ts';
import { describeDigest } from './scorecards/digest-job.ts';
import { checkDigestPeriod, ORG_TEAM, previewDigest, runDigest } from './scorecards/digest-run.ts';
import { evaluateAndStore } from './scorecards/evaluate-all.ts';
import { formatScorecardProblem, formatScorecardWarning, loadScorecards } from './scorecards/load.ts';
import { formatDigestStatus, formatEvaluation } from './scorecards/report.ts';
import { renderSlackMessage } from './slack/render/message.ts';
import { StartupError } from './startup.ts';
import type { ScaffolderTemplateEngine } from './templates/engine.ts';
import { formatParameterErrors, formatPlan, formatTemplateList, parseSetValues } from './templates/format.ts';
import { TemplateLoadError } from './templates/load-problems.ts';
import { findTemplateAt } from './templates/template-sources.ts';

const VERSION = (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;

class UsageError extends Error {}

/** Settings are read when a command runs, so that `--help` and `--version` work whatever the environment holds. */
function settings(): { config: Config; logger: Logger } {
  const config = loadConfig(process.env);
  // node-cron's own check, before anything opens: a schedule it refuses would otherwise fail the start half-way.
  const badCron = invalidCronSettings(cronSettings(config));
  if (badCron.length > 0) throw new ConfigError(badCron);
  return { config, logger: createLogger({ level: config.logLevel }) };
}

/** Where commander writes help and errors; stdout and stderr by default (tests capture them). */
export interface CliOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/**
 * The `wayfinder` program and its subcommands. Parsing throws a `CommanderError` for help, the version and bad
 * usage (after writing them to `output`); each command's action reports its exit code through `setExitCode`.
 */
export function buildProgram(
  setExitCode: (code: number) => void,
  output: CliOutput = {
    writeOut: (text) => process.stdout.write(text),
    writeErr: (text) => process.stderr.write(text),
  },
): Command {
  const program = new Command('wayfinder')
    .description('The developer portal in chat: Slack in front of a Backstage-compatible service catalog.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    // Commander's own help command reads one word (`help catalog import` showed the catalog's help): ours follows the path.
    .helpCommand(false)
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: output.writeOut,
      writeErr: output.writeErr,
      // One line per error: commander puts its "(Did you mean …?)" on a second line.
      outputError: (text, write) => write(`${text.trim().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .exitOverride()
    .addHelpText('after', '\nSettings come from the environment or ./.env; see .env.example.');

  program
    .command('help')
    .description('show help for a command')
    .argument('[command...]', 'a command and its subcommands, e.g. catalog import')
    .action((path: string[]) => {
      let command = program;
      for (const name of path) {
        const sub = command.commands.find(
          (candidate) => candidate.name() === name || candidate.aliases().includes(name),
        );
        if (!sub) {
          return program.error(`error: unknown command '${path.join(' ')}'; wayfinder help lists the commands`, {
            exitCode: 2,
            code: 'commander.unknownCommand',
          });
        }
        command = sub;
      }
      command.outputHelp();
    });

  program
    .command('start')
    .description(
      'serve Slack (HTTP or Socket Mode) and GitHub (webhooks, scheduled sync) over HTTP; with neither configured, open the local console',
    )
    .action(async () => setExitCode(await startCommand()));

  program
    .command('console')
    .description('the local console: type /owner payments-api')
    .action(async () => {
      const { config, logger } = settings();
      setExitCode(await openConsole(config, logger));
    });

  program
    .command('run')
    .description('answer one command and print it')
    .argument('<command...>', 'the command, quoted: "/owner payments-api" or "/deps ledger --reverse"')
    .addOption(
      new Option('--format <format>', 'text, the view-model as JSON, or Slack Block Kit')
        .choices(['text', 'json', 'slack'])
        .default('text'),
    )
    .action(async (words: string[], options: { format: 'text' | 'json' | 'slack' }) => {
      const { config, logger } = settings();
      setExitCode(await runOnce(words.join(' '), options.format, config, logger));
    });

  program
    .command('migrate')
    .description('apply database migrations (start does this too)')
    .action(async () => {
      const { config, logger } = settings();
      const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
      await wayfinder.close();
      console.log('Migrations applied.');
      setExitCode(0);
    });

  const catalog = program.command('catalog').description('import, validate and sync the catalog; list its errors');

  catalog
    .command('import')
    .description('import catalog-info.yaml files and directories (only what changed is written)')
    .argument('<path...>', 'files and directories')
    .action(async (paths: string[]) => {
      const { config, logger } = settings();
      setExitCode(await importCommand(paths, config, logger));
    });

  catalog
    .command('validate')
    .description("check descriptors without importing (for a repository's CI); exits 1 on any failure")
    .argument('<path...>', 'files and directories')
    .action(async (paths: string[]) => {
      const { config, logger } = settings();
      const result = await validateCatalog({ paths, ...(await urlReaderFor(config, logger)) });
      for (const error of result.errors) console.error(formatIngestError(error, process.cwd()));
      for (const skipped of result.skipped) console.error(formatSkippedDocument(skipped, process.cwd()));
      const skipped = countSkipped(result.skipped);
      console.log(`${result.valid} valid, ${result.failed} failed, ${skipped.text}`);
      if (onlySkipped(result.valid, skipped.documents)) console.error(ONLY_SKIPPED);
      setExitCode(result.failed > 0 || onlySkipped(result.valid, skipped.documents) ? 1 : 0);
    });

  catalog
    .command('sync')
    .description('sync the GitHub organisation (GITHUB_ORG) now')
    .option('--force', 'read every repository, even those unchanged since the last sync', false)
    .action(async (options: { force: boolean }) => {
      const { config, logger } = settings();
      setExitCode(await syncCommand(options.force, config, logger));
    });

  catalog
    .command('forget')
    .description('delete now everything imported from a file or directory (or, with --demo, the demo organisation)')
    .argument('[path]', 'a file or directory given to catalog import before')
    .option('--demo', 'the demo organisation the console or a first start loaded')
    .action(async (given: string | undefined, options: { demo?: boolean }) => {
      if (!given === !options.demo) throw new UsageError('catalog forget takes a path or --demo (one of them).');
      const { config, logger } = settings();
      const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
      try {
        const root = options.demo ? DEMO_CATALOG : path.resolve(given ?? '');
        const forgotten = await wayfinder.store.forgetScope({ scope: fileScope(root) });
        if (options.demo) await removeDemoDocs(wayfinder.docs);
        console.log(
          forgotten > 0
            ? `Forgot ${countOf(forgotten, 'entity', 'entities')} imported from ${options.demo ? 'the demo organisation' : root}.`
            : `Nothing in the catalog was imported from ${options.demo ? 'the demo organisation' : root}; nothing changed.`,
        );
        setExitCode(0);
      } finally {
        await wayfinder.close();
      }
    });

  catalog
    .command('errors')
    .description('list the failures of the last imports and syncs')
    .action(async () => {
      const { config, logger } = settings();
      const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
      try {
        const errors = await wayfinder.store.listIngestErrors();
        if (errors.length === 0) console.log('No errors: every descriptor imported cleanly.');
        for (const error of errors) console.log(formatIngestError(error, process.cwd()));
        setExitCode(0);
      } finally {
        await wayfinder.close();
      }
    });

  addScorecardCommands(program, setExitCode);
  addTemplateCommands(program, setExitCode);
  addRequestCommands(program, setExitCode);
  registerDocsCommands(program, {
    setExitCode,
    open: () => {
      const { config, logger } = settings();
      return openWayfinder({ ...config, loadDemo: false }, logger);
    },
    ask: (line) => {
      const { config, logger } = settings();
      return runOnce(line, 'text', config, logger);
    },
    renderMessage: (message) => renderText(message, { color: false }),
  });
  answerUnknownSubcommands(program);
  return program;
}

/**
 * Every command group (`catalog`, `requests`, `docs`…) answers an unknown subcommand with the ones it has, read from
 * what is registered: `Unknown catalog action "nosuch"; expected import, validate, sync, forget or errors.`
 */
function answerUnknownSubcommands(program: Command): void {
  for (const group of program.commands) {
    const names = group.commands.map((command) => command.name());
    if (names.length === 0) continue;
    const expected = wordList(names, 'or');
    group.on('command:*', (operands: string[]) => {
      throw new UsageError(`Unknown ${group.name()} action "${operands[0] ?? ''}"; expected ${expected}.`);
    });
    answerUnknownSubcommands(group);
  }
}

/** `wayfinder requests list|show <id>|retry <id>|cancel <id>|work` (issue 8). At the terminal you act as the operator. */
function addRequestCommands(program: Command, setExitCode: (code: number) => void): void {
  const requests = program.command('requests').description('list, show, retry and cancel template requests; run them');
  const operator = { platform: 'console' as const, id: 'local' };
  const withRequests = async (use: (opened: Requests) => Promise<number>, takeOver?: boolean) => {
    const { config, logger } = settings();
    const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
    const opened = await openRequests({ wayfinder, config, logger, ...(takeOver ? { takeOver } : {}) });
    try {
      setExitCode(await orRefusal(() => use(opened)));
    } finally {
      await opened.close();
      await wayfinder.close();
    }
  };
  requests
    .command('list')
    .description('the latest requests, newest first')
    .option('--state <state>', `only requests in this state (${REQUEST_STATES.join(', ')})`)
    .option('--limit <n>', 'how many', '50')
    .action((options: { state?: string; limit: string }) => {
      // Bad options are told before the database is opened.
      const state = options.state && REQUEST_STATES.find((known) => known === options.state);
      if (options.state && !state)
        throw new UsageError(`--state takes one of ${REQUEST_STATES.join(', ')}; got ${options.state}.`);
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new UsageError(`--limit takes a whole number from 1 to 1000; got ${options.limit}.`);
      return withRequests(async ({ system }) => {
        console.log(formatRequestList(await system.desk.list({ limit, ...(state ? { state } : {}) })));
        return 0;
      });
    });
  requests
    .command('show')
    .argument('<id>', 'the request id, req-…')
    .description('a request: values, decision, each step with its log, the output and the audit log')
    .action((id: string) =>
      withRequests(async ({ system }) => {
        console.log(formatRequest(await system.desk.get({ id }), await system.desk.audit({ id })));
        return 0;
      }),
    );
  requests
    .command('retry')
    .argument('<id>', 'the request id, req-…')
    .description('run a failed request again from its first unfinished step, now')
    .action((id: string) =>
      withRequests(async ({ system }) => {
        await system.desk.retry({ id, actor: operator });
        await system.runner.drain();
        const request = await system.desk.get({ id });
        console.log(formatRequest(request, await system.desk.audit({ id })));
        return request.state === 'succeeded' ? 0 : 1;
      }),
    );
  requests
    .command('cancel')
    .argument('<id>', 'the request id, req-…')
    .option('--reason <text>', 'why, for the requester and the audit log')
    .description('cancel a request that has not finished')
    .action((id: string, options: { reason?: string }) =>
      withRequests(async ({ system }) => {
        const request = await system.desk.cancel({
          id,
          actor: operator,
          ...(options.reason ? { reason: options.reason } : {}),
        });
        console.log(`Cancelled ${request.id} (${request.templateTitle}).`);
        return 0;
      }),
    );
  requests
    .command('work')
    .description(
      'run every approved request (and any left running by a dead process) to its end, print how each ended, then exit; exits 1 when any did not succeed',
    )
    .option('--take-over', 'resume every running request at once, whatever its heartbeat: no other replica runs', false)
    .action((options: { takeOver: boolean }) =>
      withRequests(async ({ system }) => {
        const ran = await Promise.all((await system.runner.drain()).map((id) => system.desk.get({ id })));
        if (ran.length === 0) {
          console.log('No request was waiting to run: nothing approved, nothing left running.');
          return 0;
        }
        console.log(formatRequestList(ran));
        const unfinished = ran.filter((request) => request.state !== 'succeeded');
        if (unfinished.length > 0) {
          console.error(
            `${countOf(unfinished.length, 'request')} did not succeed; wayfinder requests show <id> says why, and wayfinder requests retry <id> runs a failed one again.`,
          );
        }
        return unfinished.length > 0 ? 1 : 0;
      }, options.takeOver),
    );
}

/** Runs `work`; a refusal or unknown id (the core's expected errors) is printed on stderr with exit code 1. */
async function orRefusal(work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!isExpectedError(error)) throw error;
    console.error(error.message);
    return 1;
  }
}

/** `wayfinder templates list|validate <path...>|preview <name> --set key=value` (issue 8). */
function addTemplateCommands(program: Command, setExitCode: (code: number) => void): void {
  const templates = program.command('templates').description('list, validate and preview self-service templates');
  templates
    .command('list')
    .description('the templates /provision offers (WAYFINDER_TEMPLATES_DIR and the catalog), recommended first (★)')
    .action(async () => {
      const { config, logger } = settings();
      await withTemplateEngine(config, logger, async (engine) => {
        const { templates: loaded, failures } = await engine.loadAll();
        console.log(formatTemplateList(await engine.list(), failures));
        setExitCode(failures.length > 0 && loaded.length === 0 ? 1 : 0);
      });
    });
  templates
    .command('validate')
    .description(
      "check a template file as /provision would load it (for a repository's CI); exits 1 when it does not load",
    )
    .argument('<path...>', 'template.yaml files, or the folders holding them')
    .action(async (given: string[]) => {
      const { ScaffolderTemplateEngine } = await import('./templates/engine.ts');
      const engine = new ScaffolderTemplateEngine({ workspaceRoot: tmpdir() });
      let failed = 0;
      for (const one of given) {
        let found: Awaited<ReturnType<typeof findTemplateAt>>;
        try {
          found = await findTemplateAt(one);
        } catch (error) {
          console.error(`Cannot read ${one}: ${describeError(error).message}.`);
          failed += 1;
          continue;
        }
        const loaded = engine.load(found);
        if (loaded instanceof TemplateLoadError) {
          console.error(loaded.message);
          failed += 1;
          continue;
        }
        const { definition } = loaded;
        console.log(
          `${definition.ref} loads: ${definition.pages.length} parameter page(s), ${definition.steps.length} step(s).`,
        );
      }
      if (given.length > 1) console.log(`${given.length - failed} loaded, ${failed} failed`);
      setExitCode(failed > 0 ? 1 : 0);
    });
  templates
    .command('preview')
    .description(
      'the dry run: checks the values and shows each step with its rendered input and the files it would write',
    )
    .argument('<name>', 'the template, by name or ref')
    .option('--set <key=value>', 'a parameter value (repeat it)', (pair: string, all: string[]) => [...all, pair], [])
    .action(async (name: string, options: { set: string[] }) => {
      const { config, logger } = settings();
      await withTemplateEngine(config, logger, async (engine, catalog) => {
        setExitCode(await previewCommand(engine, catalog, name, options.set));
      });
    });
}

async function withTemplateEngine(
  config: Config,
  logger: Logger,
  use: (engine: ScaffolderTemplateEngine, catalog: Pick<CatalogStore, 'getEntity'>) => Promise<void>,
): Promise<void> {
  // As the console: the demo organisation fills an empty catalog unless WAYFINDER_DEMO=false or Slack/GitHub is set.
  const wayfinder = await openWayfinder(config, logger);
  try {
    await use(await createTemplateEngine({ config, store: wayfinder.store, logger }), wayfinder.store);
  } finally {
    await wayfinder.close();
  }
}

async function previewCommand(
  engine: ScaffolderTemplateEngine,
  catalog: Pick<CatalogStore, 'getEntity'>,
  name: string,
  pairs: string[],
): Promise<number> {
  const definition = await engine.get(name).catch((error: unknown) => {
    if (error instanceof TemplateLoadError) return error;
    throw error;
  });
  if (definition instanceof TemplateLoadError) {
    console.error(definition.message);
    return 1;
  }
  if (!definition) {
    const names = (await engine.list()).map((template) => template.name);
    console.error(
      `No template named ${name}; ${names.length > 0 ? `there are ${names.join(', ')}` : 'there are none'}.`,
    );
    return 1;
  }
  const fields = definition.pages.flatMap((page) => page.fields);
  const conditional = await conditionalFields(engine, definition, pairs);
  const parsed = parseSetValues(pairs, [...fields, ...conditional]);
  if (parsed.malformed.length > 0) {
    throw new UsageError(`--set takes key=value, as in --set name=payments-api; got ${parsed.malformed.join(', ')}.`);
  }
  if (parsed.unknown.length > 0) {
    throw new UsageError(
      `${parsed.unknown.join(', ')} ${parsed.unknown.length === 1 ? 'is not a parameter' : 'are not parameters'} of ${definition.name}; expected ${fields.map((field) => field.name).join(', ')}.`,
    );
  }
  const values = withDefaults(parsed.values, [...fields, ...conditional]);
  let failed = false;
  for (const [index, page] of definition.pages.entries()) {
    const errors = await engine.checkParameters(definition.ref, index, values);
    if (Object.keys(errors).length > 0) {
      console.error(formatParameterErrors(index, page.title, errors));
      failed = true;
    }
  }
  if (failed) return 1;
  const state = { requestId: 'preview', user: {}, values, outputs: {} };
  console.log(`${definition.title} (${definition.ref})`);
  const approvers = definition.approval?.approvers;
  if (approvers && (await engine.needsApproval(definition.ref, state))) {
    // The ref follows the name: a template's author checks it against the catalog.
    const group = await catalog.getEntity({ ref: approvers });
    console.log(`Needs approval by ${group ? `${teamName(group)} (${approvers})` : approvers}.`);
  }
  const plan = await engine.plan(definition.ref, state);
  console.log(formatPlan(plan));
  if (!plan.some((step) => step.problem)) return 0;
  if (!engine.writesToGitHub) {
    console.error(
      'GitHub is not configured, so the GitHub steps cannot run: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys).',
    );
  }
  return 1;
}

/** Fields pages add under conditions, for the values given (so --set may name them). */
async function conditionalFields(
  engine: ScaffolderTemplateEngine,
  definition: TemplateDefinition,
  pairs: readonly string[],
): Promise<ParameterField[]> {
  const rough = Object.fromEntries(
    pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  const first = parseSetValues(
    pairs,
    definition.pages.flatMap((page) => page.fields),
  ).values;
  const values = { ...rough, ...first };
  const all = await Promise.all(definition.pages.map((_, index) => engine.fields(definition.ref, index, values)));
  return all.flat();
}

/** A field's `default` stands when no value was given, as the form pre-fills it. */
function withDefaults(values: Record<string, unknown>, fields: readonly ParameterField[]): Record<string, unknown> {
  const filled = { ...values };
  for (const field of fields)
    if (filled[field.name] === undefined && field.default !== undefined) filled[field.name] = field.default;
  return filled;
}

/** `wayfinder scorecards validate|evaluate` and `wayfinder digest run|status`. */
function addScorecardCommands(program: Command, setExitCode: (code: number) => void): void {
  const scorecards = program.command('scorecards').description('validate and evaluate the scorecards');
  scorecards
    .command('validate')
    .description('check the scorecard files (WAYFINDER_SCORECARDS_DIR); exits 1 on any problem')
    .action(async () => {
      const { config } = settings();
      const loaded = await loadScorecards(config.scorecards.dir, { today: dayOf(new Date()) });
      if (loaded.files.length === 0) {
        // Asked to validate, an empty or missing folder is most likely a wrong WAYFINDER_SCORECARDS_DIR.
        console.error(
          `${config.scorecards.dir} holds no scorecard files (or does not exist); expected *.yaml files there. Check WAYFINDER_SCORECARDS_DIR.`,
        );
        setExitCode(1);
        return;
      }
      for (const problem of loaded.problems) console.error(formatScorecardProblem(problem, process.cwd()));
      for (const warning of loaded.warnings) console.error(formatScorecardWarning(warning, process.cwd()));
      for (const scorecard of loaded.scorecards) {
        console.log(
          `${scorecard.id}: ${scorecard.title}, ${scorecard.levels.join(' → ')}, ${countOf(scorecard.rules.length, 'rule')}`,
        );
      }
      const warned = loaded.warnings.length > 0 ? `, ${countOf(loaded.warnings.length, 'warning')}` : '';
      console.log(
        `${formatNumber(loaded.scorecards.length)} valid, ${formatNumber(loaded.files.length - loaded.scorecards.length)} failed${warned}`,
      );
      setExitCode(loaded.problems.length > 0 ? 1 : 0);
    });
  scorecards
    .command('evaluate')
    .description("evaluate the catalog now and store the results as this week's")
    .option('--scorecard <id>', 'only this scorecard')
    .action(async (options: { scorecard?: string }) => {
      const { config, logger } = settings();
      const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
      try {
        const chosen = chooseScorecards(wayfinder.scorecards.scorecards(), options.scorecard);
        const today = dayOf(new Date());
        // An expired exemption is warned of once, when the scorecards are loaded (openWayfinder).
        const period = periodOf(new Date());
        const counts = await evaluateAndStore({
          store: wayfinder.scorecardStore,
          scorecards: chosen,
          period,
          today,
        });
        const results = await wayfinder.scorecardStore.history({ period });
        if (counts.entities === 0) {
          console.error(
            `The catalog holds no entities to score; nothing was stored for ${period}. Import your catalog (wayfinder catalog import <path>, or sync it from GitHub), or load the demo organisation (open the console, wayfinder with no Slack or GitHub set, on an empty catalog), then evaluate again.`,
          );
          setExitCode(1);
          return;
        }
        for (const line of formatEvaluation(chosen, results)) console.log(line);
        console.log(
          `${countOf(counts.entities, 'entity', 'entities')} evaluated, ${countOf(counts.results, 'result')} stored for ${period}`,
        );
        setExitCode(0);
      } finally {
        await wayfinder.close();
      }
    });

  scorecards
    .command('facts')
    .description(
      'collect the GitHub facts scorecards check now (README, CODEOWNERS, branch protection, CI, Dependabot alerts, last commit)',
    )
    .action(async () => {
      const { config, logger } = settings();
      if (!config.github) {
        throw new UsageError(
          'wayfinder scorecards facts reads GitHub: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys).',
        );
      }
      const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
      try {
        // Present: GitHub is configured.
        const gateway = wayfinder.gateway as GitHubGateway;
        const summary = await collectGitHubFacts({ store: wayfinder.scorecardStore, gateway });
        (summary.unavailable ? console.error : console.log)(describeFactsSummary(summary));
        setExitCode(summary.unavailable ? 1 : 0);
      } finally {
        await wayfinder.close();
      }
    });

  const digest = program.command('digest').description('the weekly scorecard digest');
  digest
    .command('run')
    .description("post this week's digest now (each team once; what was posted is not posted again)")
    .option('--dry-run', 'print each message as text and write the charts as PNG files instead of posting', false)
    .option('--team <team>', "only this team's digest (payments or group:default/payments)")
    .option('--period <week>', 'the ISO week, such as 2026-W47 (default: this week)')
    .option('--out <dir>', 'with --dry-run: where the chart PNGs go (default ./digest-preview)')
    .action(async (options: { dryRun: boolean; team?: string; period?: string; out?: string }) => {
      const { config, logger } = settings();
      setExitCode(await digestRunCommand(options, config, logger));
    });
  digest
    .command('status')
    .description("the latest digest (or --period's): what was posted, what failed and why, which teams have no channel")
    .option('--period <week>', 'the ISO week, such as 2026-W47')
    .action(async (options: { period?: string }) => {
      const { config, logger } = settings();
      const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
      try {
        const deliveries = new DrizzleDigestDeliveries({ db: wayfinder.database.db });
        const run = options.period
          ? await deliveries.findRun({ period: checkedPeriod(options.period) })
          : await deliveries.latestRun();
        const list = run ? await deliveries.list({ period: run.period }) : [];
        for (const line of formatDigestStatus(run, list)) console.log(line);
        setExitCode(list.some((delivery) => delivery.status === 'failed') ? 1 : 0);
      } finally {
        await wayfinder.close();
      }
    });
}

function chooseScorecards(all: readonly Scorecard[], id: string | undefined): Scorecard[] {
  if (all.length === 0) {
    throw new UsageError('No scorecards are loaded: put scorecard files in WAYFINDER_SCORECARDS_DIR (./scorecards).');
  }
  if (id === undefined) return [...all];
  const found = all.filter((scorecard) => scorecard.id === id);
  if (found.length === 0) {
    throw new UsageError(
      `No scorecard has the id ${id}; expected one of ${all.map((scorecard) => scorecard.id).join(', ')}.`,
    );
  }
  return found;
}

function checkedPeriod(text: string): string {
  try {
    periodStart(text);
    return text;
  } catch (error) {
    throw new UsageError(`--period ${describeError(error).message}`);
  }
}

async function digestRunCommand(
  options: { dryRun: boolean; team?: string; period?: string; out?: string },
  config: Config,
  logger: Logger,
): Promise<number> {
  if (options.out !== undefined && !options.dryRun) {
    throw new UsageError(
      '--out names where --dry-run writes the chart PNGs; add --dry-run, or leave --out out to post.',
    );
  }
  if (!options.dryRun && !config.slack) {
    throw new UsageError('wayfinder digest run posts to Slack: set SLACK_BOT_TOKEN (or use --dry-run).');
  }
  const period = options.period === undefined ? periodOf(new Date()) : checkedPeriod(options.period);
  try {
    checkDigestPeriod(period, new Date());
  } catch (error) {
    throw new UsageError(`--period ${describeError(error).message}`);
  }
  const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
  try {
    const deps = await digestDependenciesFor(wayfinder, config, logger);
    const teamRef = options.team && teamRefOf(options.team);
    if (
      teamRef &&
      teamRef !== ORG_TEAM &&
      !(await wayfinder.scorecardStore.teamChannels()).some((t) => t.ref === teamRef)
    ) {
      throw new UsageError(`--team ${options.team}: no Group ${teamRef} in the catalog.`);
    }
    if (options.dryRun) {
      const previews = await refusedAsUsage(() => previewDigest(deps, { period, ...(teamRef ? { teamRef } : {}) }));
      const out = options.out ?? './digest-preview';
      await mkdir(out, { recursive: true });
      for (const preview of previews.posts) {
        console.log(`── ${preview.channel} ──`);
        console.log(renderText(preview.message, { color: false }));
        if (preview.chart) {
          const file = path.join(out, `${preview.key.split('|')[0]?.replace(/[^a-z0-9-]+/gi, '_')}-${period}.png`);
          await writeFile(file, preview.chart.png);
          console.log(`(chart: ${file})`);
        }
        console.log('');
      }
      if (previews.skipped.length > 0) console.log(`No channel, skipped: ${previews.skipped.join(', ')}`);
      return 0;
    }
    const summary = await refusedAsUsage(() =>
      runDigest({ ...deps, progress: (line) => console.log(line) }, { period, ...(teamRef ? { teamRef } : {}) }),
    );
    const retry = [
      'wayfinder digest run',
      ...(options.period ? [`--period ${period}`] : []),
      ...(options.team ? [`--team ${options.team}`] : []),
    ];
    console.log(describeDigest(summary, retry.join(' ')));
    return summary.stillFailed > 0 ? 1 : 0;
  } finally {
    await wayfinder.close();
  }
}

/** Runs `work`; an `InputError` it throws (a week that cannot have a digest) becomes a usage error (exit 2). */
async function refusedAsUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InputError) throw new UsageError(error.message);
    throw error;
  }
}

/** `payments` → `group:default/payments`; a full ref as it is; `org` for the leadership digest. */
function teamRefOf(text: string): string {
  const lower = text.trim().toLowerCase();
  if (lower === ORG_TEAM || lower.includes(':')) return lower;
  return `group:default/${lower}`;
}

/**
 * Serves when anything inbound is configured (Slack, GitHub), else opens the console. While serving, no error
 * escapes to end the process: an unhandled rejection or exception from any library is logged and the process goes
 * on (its readiness still tells the truth). SIGTERM drains first (`WAYFINDER_SHUTDOWN_DELAY`); SIGINT stops at once.
 */
async function startCommand(): Promise<number> {
  const { config, logger } = settings();
  if (!hasInbound(config)) {
    logger.info(
      'Nothing inbound is configured (SLACK_BOT_TOKEN, GITHUB_ORG): opening the local console. Set them to serve over HTTP.',
    );
    return openConsole(config, logger);
  }
  process.on('unhandledRejection', (reason) => {
    logger.error('Unhandled promise rejection; Wayfinder keeps running', describeError(reason));
  });
  process.on('uncaughtException', (error) => {
    logger.error('Uncaught exception; Wayfinder keeps running', describeError(error));
  });
  const running = await startWayfinder(config, logger);
  const signal = await waitForSignal();
  logger.info(`${signal}: shutting down.`);
  await running.close({ drainDelayMs: signal === 'SIGTERM' ? config.http.shutdownDelayMs : 0 });
  logger.info('Stopped.');
  return 0;
}

async function openConsole(config: Config, logger: Logger) {
  const wayfinder = await openWayfinder(config, logger);
  try {
    // `/provision` in the console: requests run in this process (and any a dead process left are resumed).
    const outcomes = createConsoleRequestOutcomes();
    const requests = await openRequests({ wayfinder, config, logger, alsoNotify: outcomes });
    requests.system.runner.start();
    try {
      await runConsole({
        notices: outcomes,
        context: {
          store: wayfinder.store,
          refresher: wayfinder.refresher,
          viewer: localViewer,
          provision: requests.provision,
          docs: wayfinder.docs.asker,
          scorecards: wayfinder.scorecards,
        },
        input: process.stdin,
        output: process.stdout,
      });
    } finally {
      await requests.close();
    }
    return 0;
  } finally {
    await wayfinder.close();
  }
}

async function runOnce(line: string, format: 'text' | 'json' | 'slack', config: Config, logger: Logger) {
  const wayfinder = await openWayfinder(config, logger);
  let streamed = false;
  try {
    const message = await runCommandLine(
      {
        store: wayfinder.store,
        refresher: wayfinder.refresher,
        viewer: localViewer,
        docs: wayfinder.docs.asker,
        scorecards: wayfinder.scorecards,
      },
      line,
      // In text, an answer a model writes (`/ask`) is shown as it comes; JSON and Block Kit are printed whole.
      format === 'text'
        ? {
            onText: (text) => {
              streamed = true;
              process.stdout.write(text);
            },
          }
        : undefined,
    );
    if (format === 'json') console.log(JSON.stringify(message, null, 2));
    else if (format === 'slack') console.log(JSON.stringify(renderSlackMessage(message), null, 2));
    else {
      console.log(`${streamed ? '\n\n' : ''}${renderText(withoutStreamed(message), { color: process.stdout.isTTY })}`);
    }
    // The answer is printed either way; the exit code tells a script whether it was the one asked for.
    if (message.outcome === 'invalid') return 2;
    return message.outcome ? 1 : 0;
  } finally {
    await wayfinder.close();
  }
}

async function importCommand(paths: string[], config: Config, logger: Logger): Promise<number> {
  const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
  try {
    const reader = await urlReaderFor(config, logger);
    const { counts, errors, skipped } = await importCatalog({ paths, store: wayfinder.store, ...reader });
    // Without the server's hourly purge, the import is when orphans past WAYFINDER_ORPHAN_GRACE go.
    const { purged } = await purgeExpiredOrphans({
      store: wayfinder.store,
      graceMs: config.sync.orphanGraceMs,
      now: new Date(),
    });
    for (const error of errors) console.error(formatIngestError(error, process.cwd()));
    for (const document of skipped) console.error(formatSkippedDocument(document, process.cwd()));
    // Orphaned when there are any, as /wayfinder refresh says it: entities this root no longer holds.
    const orphaned = counts.orphaned > 0 ? `, ${counts.orphaned} orphaned` : '';
    const skippedCounts = countSkipped(skipped);
    const purgedText = purged > 0 ? `, ${purged} purged (orphaned longer than WAYFINDER_ORPHAN_GRACE)` : '';
    console.log(
      `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged${orphaned}, ${counts.failed} failed, ${skippedCounts.text}${purgedText}`,
    );
    const read = counts.created + counts.updated + counts.unchanged;
    if (onlySkipped(read, skippedCounts.documents)) console.error(ONLY_SKIPPED);
    return counts.failed > 0 || onlySkipped(read, skippedCounts.documents) ? 1 : 0;
  } finally {
    await wayfinder.close();
  }
}

/**
 * The summary's skipped part, one unit per count: documents (and files, Location targets) left unread, then the
 * placeholders left unread in documents that were imported: `0 skipped, 3 placeholders not read`.
 */
function countSkipped(skipped: readonly SkippedDocument[]): { documents: number; text: string } {
  const placeholders = skipped.filter((entry) => entry.placeholder).length;
  const documents = skipped.length - placeholders;
  const unread = placeholders > 0 ? `, ${countOf(placeholders, 'placeholder', 'placeholders')} not read` : '';
  return { documents, text: `${documents} skipped${unread}` };
}

/**
 * Paths that held documents but none Wayfinder reads (a `kind: Componnent`, a Component at `backstage.io/v1alpha2`):
 * as a path holding no descriptors, a failure, so that a typo fails a repository's CI instead of passing as skipped.
 */
function onlySkipped(read: number, skipped: number): boolean {
  return read === 0 && skipped > 0;
}

const ONLY_SKIPPED =
  'No descriptor here is one Wayfinder reads: every document was skipped (see why above). Check each kind and apiVersion.';

/** With GitHub configured, hand imports read `url` targets and URL placeholders through it; else they are skipped. */
async function urlReaderFor(config: Config, logger: Logger): Promise<{ reader?: UrlReader }> {
  if (!config.github) return {};
  const gateway = await createGitHubGateway({ config: config.github, cache: new InMemoryConditionalCache(), logger });
  return { reader: createGitHubUrlReader({ gateway }) };
}

/** `wayfinder catalog sync [--force]`: the GitHub organisation now, with a progress bar and a summary. */
async function syncCommand(force: boolean, config: Config, logger: Logger): Promise<number> {
  if (!config.github) {
    throw new UsageError(
      'wayfinder catalog sync reads a GitHub organisation: set GITHUB_ORG and GITHUB_TOKEN (or the GitHub App keys).',
    );
  }
  const wayfinder = await openWayfinder({ ...config, loadDemo: false }, logger);
  try {
    const github = wayfinder.github;
    if (!github) throw new Error('GitHub is configured but the sync was not created.');
    const bar = createProgressBar({ stream: process.stderr, label: `Syncing ${config.github.org}` });
    const { observedSync } = await import('./metrics.ts');
    const summary = await observedSync(undefined, 'cli', () =>
      github.syncOrganisation({ force, onProgress: (progress) => bar.update(progress) }),
    );
    bar.finish();
    for (const error of summary.errors) console.error(formatIngestError(error, process.cwd()));
    for (const failure of summary.failed) console.error(`${failure.source}: left as it was: ${failure.reason}`);
    console.log(formatSyncSummary(config.github.org, summary));
    await refreshGitHubDocs(wayfinder, summary.changes, logger);
    return summary.counts.failed > 0 || summary.failed.length > 0 ? 1 : 0;
  } finally {
    await wayfinder.close();
  }
}

function waitForSignal(): Promise<'SIGINT' | 'SIGTERM'> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

/** `.env` in the current directory, under what the environment already sets. */
function loadEnvFile(): void {
  if (!existsSync('.env')) return;
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    throw new StartupError(`Cannot read .env: ${describeError(error).message}`, { cause: error });
  }
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  loadEnvFile();
  const program = buildProgram((code) => {
    exitCode = code;
  });
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  await program.parseAsync(argv, { from: 'user' });
  return exitCode;
}

/** Runs the command line (`bin/wayfinder.js`) and sets the process's exit code; never throws. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed the help, the version, or the error (one line).
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else if (error instanceof UsageError) {
      console.error(`${error.message} See wayfinder --help.`);
      process.exitCode = 2;
    } else if (error instanceof ConfigError) {
      console.error(error.message);
      process.exitCode = 2;
    } else if (error instanceof StartupError || error instanceof DatabaseInUseError) {
      // One line: what failed and what to do (for DatabaseInUseError: who holds the database; nothing was written).
      console.error(error.message);
      process.exitCode = 1;
    } else if (githubFailure(error)) {
      // GitHub refused or failed: one line saying what to check, not the client's error chain.
      console.error(githubFailure(error));
      process.exitCode = 1;
    } else {
      // Unexpected: the error's name, message and causes, without a stack trace (LOG_LEVEL=debug adds it).
      const described = describeError(error);
      console.error(`Wayfinder failed: ${describeChain(described)}`);
      if (process.env.LOG_LEVEL === 'debug' && error instanceof Error) console.error(error.stack);
      process.exitCode = 1;
    }
  }
}

/** The one line for a GitHub failure that ended a command, naming the settings in use; undefined for other errors. */
function githubFailure(error: unknown): string | undefined {
  const credentials = process.env.GITHUB_TOKEN
    ? 'GITHUB_TOKEN'
    : 'the GitHub App settings (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)';
  const apiUrl = process.env.GITHUB_API_URL;
  return explainGitHubFailure(error, { credentials, ...(apiUrl ? { apiUrl } : {}) });
}

function describeChain(error: ReturnType<typeof describeError>): string {
  const own = `${error.name}: ${error.message}${error.code ? ` (${error.code})` : ''}`;
  return error.cause ? `${own}; caused by ${describeChain(error.cause)}` : own;
}
