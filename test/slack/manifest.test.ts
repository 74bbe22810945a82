import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS } from '../../src/core/commands/index.ts';
import type { Database } from '../../src/db/client.ts';
import { DrizzleCatalogStore } from '../../src/db/DrizzleCatalogStore.ts';
import { DrizzleProcessedEventLog } from '../../src/db/DrizzleProcessedEventLog.ts';
import { registerCommands } from '../../src/slack/listeners/commands/index.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { listenerContext } from '../helpers/listener-context.ts';

interface ManifestCommand {
  command: string;
  description: string;
  usage_hint?: string;
  url?: string;
}

const manifest = parse(await readFile(new URL('../../manifests/slack/manifest.yml', import.meta.url), 'utf8')) as {
  _metadata: { major_version: number };
  features: { slash_commands: ManifestCommand[]; app_home: { home_tab_enabled: boolean } };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
};
const manifestCommands = manifest.features.slash_commands;

// Registering runs no query, but the listeners are registered with the real store, as in the app.
let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/** The command patterns the app registers with Bolt (names or regular expressions). */
function registeredPatterns(): (string | RegExp)[] {
  const patterns: (string | RegExp)[] = [];
  registerCommands(
    { command: ((pattern: string | RegExp) => patterns.push(pattern)) as never },
    listenerContext({
      store: new DrizzleCatalogStore({ db: database.db }),
      processedEvents: new DrizzleProcessedEventLog({ db: database.db }),
    }),
  );
  return patterns;
}

describe('the Slack app manifest', () => {
  it('lists exactly the slash commands the app answers, and the app answers every core command', () => {
    const patterns = registeredPatterns();
    const answers = (command: string) =>
      patterns.some((pattern) => (typeof pattern === 'string' ? pattern === command : pattern.test(command)));
    const inManifest = manifestCommands.map((command) => command.command).sort();
    const core = COMMANDS.map((command) => `/${command.name}`).sort();
    const candidates = [...new Set([...inManifest, ...core, '/owners', '/own', '/help', '/x/owner'])];

    expect(candidates.filter(answers).sort()).toEqual(core);
    expect(inManifest).toEqual(core);
  });

  it("gives each command the core command's usage hint and description", () => {
    for (const command of COMMANDS) {
      const listed = manifestCommands.find((candidate) => candidate.command === `/${command.name}`);
      expect(listed?.usage_hint, `/${command.name} usage_hint`).toBe(command.usage);
      expect(listed?.description, `/${command.name} description`).toBe(command.description);
    }
  });

  it('keeps within Slack limits for commands', () => {
    for (const command of manifestCommands) {
      expect(command.command.length).toBeGreaterThanOrEqual(2);
      expect(command.command.length).toBeLessThanOrEqual(32);
      expect(command.description.length).toBeLessThanOrEqual(2000);
      expect(command.usage_hint?.length ?? 0).toBeLessThanOrEqual(1000);
    }
  });

  it('sends commands, interactions and events to POST /slack/events', () => {
    const urls = [
      ...manifestCommands.map((command) => command.url),
      manifest.settings.interactivity.request_url,
      manifest.settings.event_subscriptions.request_url,
    ];
    for (const url of urls) expect(new URL(url ?? '').pathname).toBe('/slack/events');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('subscribes to the events the app listens to, with the scopes its calls need', () => {
    expect(manifest._metadata.major_version).toBe(2);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      'app_home_opened',
      // Questions to the docs (src/slack/listeners/events/docs-questions.ts, src/slack/listeners/assistant.ts).
      'app_mention',
      'message.im',
      'message.channels',
      'message.groups',
      'assistant_thread_started',
      'assistant_thread_context_changed',
    ]);
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining(['commands', 'chat:write', 'users:read', 'users:read.email']),
    );
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'app_mentions:read',
        'im:history',
        'channels:history',
        'groups:history',
        'assistant:write',
        // The digest's recovery resolves channel names (src/slack/digest-poster.ts, conversations.list).
        'channels:read',
        'groups:read',
      ]),
    );
  });
});
