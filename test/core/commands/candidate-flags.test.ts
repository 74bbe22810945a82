/**
 * The buttons offered for an ambiguous or unknown name run the same command on each candidate or suggestion with the
 * flags as the person gave them: a user trial found `/owner payments --members` offering `/owner group:default/payments`
 * and `/deps paymnts --reverse` offering forward dependencies. `--offset` never carries over (a new entity starts at
 * its first page), and a flag that does not apply to a candidate's kind is left off its button, which the answer says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import { openScorecardCatalog, type ScorecardCatalog } from '../../scorecards/setup.ts';
import { buttonCommands, contextTexts } from './answers.ts';

// The demo organisation (`payments` is both a Group and a System) with the shipped scorecards.
let sc: ScorecardCatalog;
beforeAll(async () => {
  sc = await openScorecardCatalog({ now: new Date('2026-11-30T09:00:00Z') });
});
afterAll(() => sc.close());

const ask = (line: string) => runCommandLine(sc.context, line);

describe('buttons for an ambiguous name', () => {
  it('keep --members for the team and leave it off, saying so, for the System', async () => {
    const message = await ask('/owner payments --members');

    expect(message.outcome).toBe('ambiguous');
    expect(buttonCommands(message)).toEqual([
      '/owner group:default/payments --members',
      '/owner system:default/payments',
    ]);
    expect(contextTexts(message)).toContain(
      '--members applies only to a team, so the button for system:default/payments leaves it out.',
    );
    expect(message.command).toBe('/owner payments --members');
    // Each button answers what was asked, rather than a refusal of --members.
    const [team, system] = buttonCommands(message);
    expect((await ask(team ?? '')).summary).toBe('Payments Team has 4 members.');
    expect((await ask(system ?? '')).summary).toBe('Payments is owned by Payments Team.');
  });

  it('leave --offset out: another entity starts at its first page', async () => {
    const message = await ask('/owner payments --offset 3 --members');
    expect(buttonCommands(message)).toEqual([
      '/owner group:default/payments --members',
      '/owner system:default/payments',
    ]);
  });

  it('keep --reverse and --depth, written the one way however they were typed', async () => {
    const message = await ask('/deps payments —reverse --depth=4 --offset 2');

    expect(buttonCommands(message)).toEqual([
      '/deps group:default/payments --reverse --depth 4',
      '/deps system:default/payments --reverse --depth 4',
    ]);
    expect(contextTexts(message)).toEqual([]);
    // A boolean flag turned off is the same as none.
    expect(buttonCommands(await ask('/deps payments --reverse=false'))).toEqual([
      '/deps group:default/payments',
      '/deps system:default/payments',
    ]);
  });
});

describe('buttons for a misspelt name', () => {
  it('run /deps on each suggestion with --reverse --depth 3, so a click shows what depends on it', async () => {
    const message = await ask('/deps paymnts --reverse --depth 3');

    expect(message.outcome).toBe('not-found');
    const commands = buttonCommands(message);
    expect(commands).toContain('/deps payments-api --reverse --depth 3');
    expect(commands.length).toBeGreaterThan(1);
    for (const command of commands) expect(command).toMatch(/^\/deps \S+ --reverse --depth 3$/);
    const clicked = await ask('/deps payments-api --reverse --depth 3');
    expect(clicked.command).toBe('/deps payments-api --reverse --depth 3');
    expect(clicked.summary).toMatch(/^\d+ entit(y|ies) depends? on Payments API; blast radius /);
  });

  it('keep --members only on the team among the suggestions for /owner', async () => {
    const message = await ask('/owner paymnts --members');

    const commands = buttonCommands(message);
    expect(commands).toContain('/owner group:default/payments --members');
    expect(commands).toContain('/owner payments-api');
    expect(commands.filter((command) => command.endsWith(' --members'))).toEqual([
      '/owner group:default/payments --members',
    ]);
    expect(contextTexts(message)).toContain(
      '--members applies only to a team, so only the button for group:default/payments keeps it.',
    );
  });

  it('keep --scorecard on every suggestion for /scorecard, and --changes only on the team', async () => {
    const message = await ask('/scorecard paymnts --scorecard production-readiness --changes');

    const commands = buttonCommands(message);
    expect(commands).toContain('/scorecard group:default/payments --scorecard production-readiness --changes');
    expect(commands).toContain('/scorecard payments-api --scorecard production-readiness');
    for (const command of commands) expect(command).toContain(' --scorecard production-readiness');
    expect(commands.filter((command) => command.endsWith(' --changes'))).toHaveLength(1);
    expect(contextTexts(message)).toContain(
      '--changes applies only to a team, so only the button for group:default/payments keeps it.',
    );
    // The entity's button answers that scorecard, rather than a refusal of --changes.
    const clicked = await ask('/scorecard payments-api --scorecard production-readiness');
    expect(clicked.outcome).toBeUndefined();
    expect(clicked.summary).toMatch(/^Payments API: Production readiness: /);
  });
});

describe('/scorecard on a name a team shares', () => {
  it('asks for the others with the flags that apply to them', async () => {
    const message = await ask('/scorecard payments --scorecard production-readiness --changes');

    expect(buttonCommands(message)).toEqual(['/scorecard system:default/payments --scorecard production-readiness']);
    expect(contextTexts(message)).toContain(
      'payments also names the System Payments: /scorecard system:payments --scorecard production-readiness. A team wins a name it shares.',
    );
    expect(contextTexts(message)).toContain(
      '--changes applies only to a team, so the button for system:payments leaves it out.',
    );
  });
});
