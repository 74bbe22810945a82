import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import type { CommandDefinition } from '../../../src/core/commands/types.ts';
import { createWayfinderCommand } from '../../../src/core/commands/wayfinder.ts';
import { plainText } from '../../../src/core/view-model.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';
import { blocksOf, buttonCommands } from './answers.ts';

let demo: DemoCatalog;
beforeAll(async () => {
  demo = await openDemoCatalog();
});
afterAll(() => demo.close());

const ask = (line: string) => runCommandLine(demo.context, line);

describe('/wayfinder', () => {
  it('lists every command and its own subcommands with an example', async () => {
    const message = await ask('/wayfinder help');

    expect(message.summary).toBe(
      'Wayfinder commands: /owner, /service, /deps, /find, /provision, /ask, /scorecard, /wayfinder refresh, /wayfinder errors.',
    );
    const [list] = blocksOf(message, 'list');
    expect(list?.items.map((item) => plainText(item.text))).toEqual([
      '/owner <name> [--members] [--offset N]',
      '/service <name>',
      '/deps <name> [--reverse] [--depth N] [--offset N]',
      '/find <text> [kind:<kind>] [owner:<team or person>] [--offset N]',
      '/provision [template] | approve|reject|retry|cancel|status <request id>',
      '/ask <question> [--entity <name> | --team <name>]',
      '/scorecard <entity | team | org> [--scorecard id] [--changes] [--rules | --movers] [--week YYYY-Www] [--offset N]',
      '/wayfinder refresh <name>',
      '/wayfinder errors',
    ]);
    expect(plainText(list?.items[7]?.detail ?? [])).toContain('Example: /wayfinder refresh payments-api');
    // A button on the help page only shows answers; refreshing is typed on purpose.
    expect(buttonCommands(message)).toEqual([
      '/owner payments-api',
      '/service payments-api',
      '/deps payments-api --reverse',
      '/find payments owner:checkout',
      '/provision new-service',
      '/ask how do I roll back a payments-api deploy?',
      '/scorecard payments-api',
      '/wayfinder errors',
    ]);
  });

  it('says answers are private until shared only where they can be shared (Slack), not in the console', async () => {
    const consoleHelp = await ask('/wayfinder help');
    expect(plainText(blocksOf(consoleHelp, 'context').flatMap((block) => block.text))).not.toContain('share');
    const slackHelp = await runCommandLine({ ...demo.context, platform: 'slack' }, '/wayfinder help');
    expect(plainText(blocksOf(slackHelp, 'context').flatMap((block) => block.text))).toBe(
      'Answers are only visible to you until you share them.',
    );
    const [list] = blocksOf(consoleHelp, 'list');
    expect(plainText(list?.items[4]?.detail ?? [])).toContain('then the run. Example: /provision new-service');
  });

  it('runs another command as a subcommand', async () => {
    expect((await ask('/wayfinder owner payments-api')).summary).toBe('Payments API is owned by Payments Team.');
  });

  it('answers an unknown subcommand with help', async () => {
    expect((await ask('/wayfinder refrsh payments-api')).summary).toMatch(/There is no subcommand refrsh\.$/);
  });

  it('answers an unknown command with the commands it knows', async () => {
    expect((await ask('/ownr payments-api')).summary).toBe(
      'There is no command /ownr. Try /owner, /service, /deps, /find, /provision, /ask, /scorecard, /wayfinder.',
    );
  });

  it('runs its own refresh and errors even when another command has the same name', async () => {
    const impostor = (name: string): CommandDefinition => ({
      name,
      description: 'Not the subcommand.',
      usage: '',
      example: `/${name}`,
      run: async () => ({ summary: `the ${name} command`, blocks: [] }),
    });
    const wayfinder = createWayfinderCommand(() => [impostor('refresh'), impostor('errors'), impostor('owner')]);

    const summaryOf = async (args: string) => {
      const answer = await wayfinder.run(demo.context, args);
      return 'summary' in answer ? answer.summary : answer.kind;
    };
    expect(await summaryOf('errors')).toBe('No catalog errors: every file read at the last import or sync was valid.');
    expect(await summaryOf('refresh')).toBe('Usage: /wayfinder refresh <name>');
    expect(await summaryOf('owner x')).toBe('the owner command');
  });
});
