/**
 * The layer rules of the README's "Development" section, checked by `npm run lint:layers` (part of `npm test` and
 * `npm run check`). An arrow in the README's table is "may import"; each rule below forbids what the table does not
 * allow. `src/http`, `src/logger.ts`, `src/background.ts`, `src/metrics.ts`, `src/startup.ts` and `src/config.ts` are
 * the process's plumbing (HTTP server, logs, background work), which the adapters may use; the core may not.
 * Type-only imports count (`tsPreCompilationDeps`): a circle through types is still a circle.
 */

/** Folders outside the core and the chat layer that hold adapters, ingestion and the wiring. */
const OUTER = '^src/(db|github|slack|console|ingestion|jobs|templates|requests|docs|scorecards)/|^src/(main|cli)[.]ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment:
        'src/core knows no platform, driver or environment: it imports only src/core, zod and node:crypto (hashing).',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', '^node_modules/zod/', '^crypto$'] },
    },
    {
      name: 'chat-imports-only-core',
      comment: 'src/chat is shared by every chat surface: it imports src/core and nothing else of ours.',
      severity: 'error',
      from: { path: '^src/chat/' },
      to: { path: '^src/', pathNot: ['^src/chat/', '^src/core/'] },
    },
    {
      name: 'surfaces-use-chat-and-core',
      comment:
        'src/slack and src/console parse, call src/chat or src/core and render; stores, GitHub and the sync are passed in.',
      severity: 'error',
      from: { path: '^src/(slack|console)/' },
      to: { path: '^src/(db|github|ingestion|jobs|requests|docs)/|^src/(main|cli)[.]ts$' },
    },
    {
      name: 'docs-below-the-surfaces',
      comment:
        "src/docs (sources, chunking, indexing, search, answering) implements the core's docs ports on src/db and the " +
        'openai client; its services.ts and cli.ts are wiring helpers. It never imports the chat layer, the surfaces ' +
        'or the wiring, which pass it what it needs.',
      severity: 'error',
      from: { path: '^src/docs/' },
      to: { path: '^src/(chat|slack|console|jobs|ingestion|github)/|^src/(main|cli)[.]ts$' },
    },
    {
      name: 'adapters-implement-core-ports',
      comment:
        "src/db and src/github implement the core's ports: they import src/core (and the plumbing), not each other, " +
        'the chat layer, the surfaces or the wiring.',
      severity: 'error',
      from: { path: '^src/(db|github)/' },
      to: { path: '^src/(chat|slack|console|jobs)/|^src/(main|cli)[.]ts$' },
    },
    {
      name: 'db-apart-from-github-and-ingestion',
      comment: 'The stores know neither GitHub nor the sync; the wiring connects them.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: '^src/(github|ingestion)/' },
    },
    {
      name: 'github-apart-from-db',
      comment: 'The GitHub gateway knows no store; the wiring connects them.',
      severity: 'error',
      from: { path: '^src/github/' },
      to: { path: '^src/db/' },
    },
    {
      name: 'github-uses-ingestion-types-only',
      comment:
        "The webhook route, which starts a sync, names the sync's summary type from src/ingestion (type-only); the " +
        'sync itself is passed in.',
      severity: 'error',
      from: { path: '^src/github/' },
      to: { path: '^src/ingestion/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ingestion-and-jobs-get-implementations-passed-in',
      comment:
        "src/ingestion and src/jobs use the core's ports; the stores and the gateway are passed in by the wiring.",
      severity: 'error',
      from: { path: '^src/(ingestion|jobs)/' },
      to: { path: '^src/(db|github|chat|slack|console)/|^src/(main|cli)[.]ts$' },
    },
    {
      name: 'requests-use-core-and-db',
      comment:
        'src/requests (the request store, desk and runner) uses the core and the database schema; the engine, the ' +
        'notifier and the chat surfaces are passed in by the wiring.',
      severity: 'error',
      from: { path: '^src/requests/' },
      to: { path: '^src/(chat|slack|console|github|ingestion|jobs|templates)/|^src/(main|cli)[.]ts$' },
    },
    {
      name: 'scorecards-get-implementations-passed-in',
      comment:
        "src/scorecards (files, evaluation runs, the digest's delivery, the chart) uses the core's ports; the stores and " +
        'the Slack poster are passed in by the wiring.',
      severity: 'error',
      from: { path: '^src/scorecards/' },
      to: { path: '^src/(db|github|chat|slack|console|ingestion|jobs)/|^src/(main|cli)[.]ts$' },
    },
    {
      name: 'only-the-wiring-imports-the-outer-layers',
      comment: 'The plumbing (http, logger, background, metrics…) is below every layer but the core.',
      severity: 'error',
      from: { path: '^src/(http/|[a-z-]+[.]ts$)', pathNot: '^src/(main|cli|metrics)[.]ts$' },
      to: { path: OUTER },
    },
    {
      name: 'templates-get-implementations-passed-in',
      comment:
        "src/templates (the template engine) implements the core's TemplateEngine port over the core's GitHub and " +
        'catalog ports; the stores, the GitHub client and the ingestion are passed in by the wiring.',
      severity: 'error',
      from: { path: '^src/templates/' },
      to: { path: '^src/(db|github|ingestion|jobs|chat|slack|console)/|^src/(main|cli)[.]ts$' },
    },
    {
      name: 'no-circular',
      comment: 'No import circles, types included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      comment: 'An import that does not resolve would escape every rule above.',
      severity: 'error',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
