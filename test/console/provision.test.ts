/**
 * `/provision` in the console: the template's fields asked in turn with terminal prompts, a bad value asked again
 * with its error, the review with the dry run, then the request runs in the console's process. Typed input goes
 * through a stream as a person's keystrokes would.
 */
import { PassThrough } from 'node:stream';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/console/console.ts';
import { createConsoleRequestOutcomes } from '../../src/console/request-outcomes.ts';
import { localViewer } from '../../src/core/commands/asker.ts';
import type { Database } from '../../src/db/client.ts';
import { createCatalogRefresher } from '../../src/ingestion/catalog-refresher.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { createRequestTestbed, type RequestTestbed, SLACK_IDS, seedRequestCatalog } from '../helpers/requests.ts';

let database: Database;
let bed: RequestTestbed;
const outcomes = createConsoleRequestOutcomes();

beforeAll(async () => {
  database = await openTestDatabase();
  const catalog = await seedRequestCatalog(database);
  bed = await createRequestTestbed({ database, catalog, alsoNotify: outcomes });
  bed.system.runner.start();
});
afterAll(async () => {
  await bed?.system.runner.stop();
  await database?.close();
});

describe('/provision in the console', () => {
  it('asks each field, asks again after an error, reviews, and runs the request', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let seen = '';
    output.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
    });
    // Positions are in the printed text without its colours and cursor moves.
    const waitFor = async (text: string, from: number) => {
      const deadline = Date.now() + 20_000;
      while (stripVTControlCharacters(seen).indexOf(text, from) < 0) {
        if (Date.now() > deadline) throw new Error(`The console never printed "${text}":\n${seen}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return stripVTControlCharacters(seen).indexOf(text, from) + text.length;
    };
    const running = runConsole({
      context: {
        store: bed.catalog,
        refresher: createCatalogRefresher({ store: bed.catalog }),
        viewer: localViewer,
        provision: { templates: bed.engine, requests: bed.system.desk, wizards: bed.system.store },
      },
      input,
      output,
      notices: outcomes,
    });
    /** Answers the Owner lookup by typing "platform" and taking Platform Team. */
    const pickPlatformTeam = async (from: number) => {
      let next = await waitFor('Owner', from);
      input.write('platform');
      // Enter picks the choice on screen, so wait for the screen that lists what the whole word found.
      next = await waitFor('Owner platform\n❯ Platform Team', next);
      input.write('\n');
      return next;
    };
    let at = await waitFor('Wayfinder console.', 0);
    input.write('/provision hello\n');
    at = await waitFor('Name', at);
    input.write('Ada!\n');
    at = await pickPlatformTeam(at);
    at = await waitFor('name:', at);
    input.write('ada\n');
    at = await pickPlatformTeam(at);
    at = await waitFor('Loud', at);
    input.write('n\n');
    at = await waitFor('Count', at);
    input.write('3\n');
    const reviewAt = await waitFor('Review', at);
    at = await waitFor('Greet (debug:log)', at);
    // The console renders text: no Slack bold markup around the headings.
    expect(stripVTControlCharacters(seen).slice(reviewAt - 'Review'.length - 1, reviewAt)).not.toContain('*');
    expect(stripVTControlCharacters(seen)).toContain('Plan (dry run)');
    expect(stripVTControlCharacters(seen)).not.toContain('*Plan (dry run)*');
    input.write('y\n');
    at = await waitFor('Hello (req-', at);
    // The request runs in the console's process; the console says how it ended, with the template's output.
    at = await waitFor('is done', at);
    at = await waitFor('Greeted ada.', at);
    input.end();
    await running;
    await bed.system.runner.drain();
    const [request] = await bed.system.desk.list({ limit: 1 });
    expect(request?.values).toEqual({ name: 'ada', owner: 'group:default/platform', loud: false, count: 3 });
    expect(request?.state).toBe('succeeded');
  }, 60_000);

  it('names the people of a request by their catalog display names, falling back to the name in their ref', async () => {
    const person = (name: keyof typeof SLACK_IDS) =>
      ({ platform: 'slack', id: SLACK_IDS[name], userRef: `user:default/${name}` }) as const;
    const { desk } = bed.system;
    // Ada's and Grace's Users have display names; Alan's has none.
    const rejected = await desk.submit({
      templateRef: 'gated',
      values: { environment: 'production' },
      requester: person('ada'),
    });
    await desk.decide({ id: rejected.id, actor: person('grace'), approve: false, reason: 'Use staging' });
    const waiting = await desk.submit({
      templateRef: 'gated',
      values: { environment: 'production' },
      requester: person('alan'),
    });
    const input = new PassThrough();
    const output = new PassThrough();
    let seen = '';
    output.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
    });
    const running = runConsole({
      context: {
        store: bed.catalog,
        refresher: createCatalogRefresher({ store: bed.catalog }),
        viewer: localViewer,
        provision: { templates: bed.engine, requests: desk, wizards: bed.system.store },
      },
      input,
      output,
    });
    const printed = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!seen.includes(text)) {
        if (Date.now() > deadline) throw new Error(`The console never printed "${text}":\n${seen}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    input.write(`/provision status ${rejected.id}\n`);
    await printed('Decision:');
    input.end(`/provision status ${waiting.id}\n`);
    await running;
    const [first = '', second = ''] = stripVTControlCharacters(seen).split(`Gated (${waiting.id})`);
    expect(first).toContain('\nRequested by: Ada Lovelace\n');
    expect(first).toContain('\nApprovers:    Platform Team\n');
    expect(first).toContain('\nDecision:     Rejected by Grace Hopper: Use staging.\n');
    expect(second).toContain('\nRequested by: alan\n');
    expect(seen).not.toContain('user:default/');
  }, 30_000);
});
