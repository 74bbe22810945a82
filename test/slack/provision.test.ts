/**
 * `/provision` end to end through the real Bolt App, the real template engine and the request system on a test
 * database: the modal's pages, searchable fields answered from the template list and the catalog, errors next to the
 * fields, the review with the dry run, the requester's DM edited as the request moves, and approvals decided from the
 * catalog when someone presses Approve or Reject.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import {
  createRequestTestbed,
  type RequestTestbed,
  SLACK_IDS,
  seedRequestCatalog,
  UNLINKED_SLACK_IDS,
} from '../helpers/requests.ts';
import { type SlackHttpTestbed, startSlackHttpTestbed } from '../helpers/slack-http-testbed.ts';
import {
  blockActionsRequest,
  postToSlackEndpoint,
  slashCommandRequest,
  viewSubmissionRequest,
} from '../helpers/slack-requests.ts';
import { blockSuggestionRequest } from '../helpers/slack-suggestions.ts';

interface View {
  callback_id: string;
  private_metadata: string;
  blocks: {
    type: string;
    block_id?: string;
    text?: { text: string };
    element?: { type: string; options?: unknown[]; is_decimal_allowed?: boolean };
  }[];
}

let database: Database;
let slack: FakeSlackApi;
let bed: RequestTestbed;
let testbed: SlackHttpTestbed;

beforeAll(async () => {
  database = await openTestDatabase();
  const catalog = await seedRequestCatalog(database);
  slack = await startFakeSlackApi();
  slack.users.add(
    { id: UNLINKED_SLACK_IDS.ken, email: 'ken@acme.example' },
    { id: UNLINKED_SLACK_IDS.hopper, email: 'Hopper@acme.example' },
  );
  bed = await createRequestTestbed({ database, catalog, slack });
  testbed = await startSlackHttpTestbed({
    database,
    slack,
    botToken: 'xoxb-test',
    services: () => ({
      store: catalog,
      provision: { templates: bed.engine, requests: bed.system.desk, wizards: bed.system.store },
    }),
  });
  bed.system.runner.start();
});
afterAll(async () => {
  await bed?.system.runner.stop();
  await bed?.idle();
  await testbed?.close();
  await slack?.close();
  await database?.close();
});
beforeEach(async () => {
  await testbed.slackApp.idle();
  await bed.idle();
  slack.calls.length = 0;
  slack.responses.length = 0;
});

async function slash(text: string, userId: string): Promise<View> {
  const response = await postToSlackEndpoint(
    testbed.base,
    slashCommandRequest({ command: '/provision', text, userId }),
  );
  expect(response.status).toBe(200);
  const open = await slack.waitFor(() => slack.callsTo('views.open').at(-1));
  expect(open.body.trigger_id).toBe('1.2.abc');
  return open.body.view as View;
}

async function suggest(view: View, actionId: string, value: string, userId: string) {
  const response = await postToSlackEndpoint(
    testbed.base,
    blockSuggestionRequest({ actionId, value, privateMetadata: view.private_metadata, userId }),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { options: { text: { text: string }; value: string }[] }).options;
}

/** Submits `view` with values by field id (element states as Slack sends them); the ack's JSON, if any. */
async function submit(view: View, values: Record<string, Record<string, unknown>>, userId: string) {
  const state = Object.fromEntries(Object.entries(values).map(([id, value]) => [id, { [id]: value }]));
  const response = await postToSlackEndpoint(
    testbed.base,
    viewSubmissionRequest({
      view: { callback_id: view.callback_id, private_metadata: view.private_metadata },
      values: state,
      userId,
    }),
  );
  expect(response.status).toBe(200);
  const text = await response.text();
  return text === ''
    ? undefined
    : (JSON.parse(text) as { response_action: string; view?: View; errors?: Record<string, string> });
}

const text = (value: string) => ({ type: 'plain_text_input', value });
const selected = (type: string, value: string) => ({ type, selected_option: { value } });
const viewText = (view: View) => view.blocks.map((block) => block.text?.text ?? '').join('\n');

describe('/provision in Slack', () => {
  it('walks the pages, checks values, reviews the dry run, and edits the DM until the output', async () => {
    const first = await slash('', SLACK_IDS.ada);
    expect(first.blocks.map((block) => block.element?.type).filter(Boolean)).toEqual(['external_select']);
    const templates = await suggest(first, 'template', 'hel', SLACK_IDS.ada);
    expect(templates).toEqual([{ text: { type: 'plain_text', text: '★ Hello' }, value: 'template:default/hello' }]);

    const page1 = (
      await submit(first, { template: selected('external_select', 'template:default/hello') }, SLACK_IDS.ada)
    )?.view as View;
    expect(
      page1.blocks.filter((block) => block.type === 'input').map((block) => [block.block_id, block.element?.type]),
    ).toEqual([
      ['name', 'plain_text_input'],
      ['owner', 'external_select'],
    ]);
    const owners = await suggest(page1, 'owner', 'platf', SLACK_IDS.ada);
    expect(owners.map((option) => option.value)).toEqual(['group:default/platform']);

    const refused = await submit(
      page1,
      { name: text('Ada!'), owner: selected('external_select', 'group:default/platform') },
      SLACK_IDS.ada,
    );
    expect(refused?.response_action).toBe('errors');
    expect(Object.keys(refused?.errors ?? {})).toEqual(['name']);

    const page2 = (
      await submit(
        page1,
        { name: text('ada'), owner: selected('external_select', 'group:default/platform') },
        SLACK_IDS.ada,
      )
    )?.view as View;
    expect(
      page2.blocks.filter((block) => block.type === 'input').map((block) => [block.block_id, block.element?.type]),
    ).toEqual([
      ['loud', 'checkboxes'],
      ['count', 'number_input'],
    ]);
    const review = (
      await submit(
        page2,
        {
          loud: { type: 'checkboxes', selected_options: [{ value: 'checked' }] },
          count: { type: 'number_input', value: '3' },
        },
        SLACK_IDS.ada,
      )
    )?.view as View;
    expect(viewText(review)).toContain('Greet (debug:log)');
    expect(viewText(review)).toContain('NOTES.md');

    expect(await submit(review, {}, SLACK_IDS.ada)).toBeUndefined();
    const dm = await slack.waitFor(() =>
      slack.callsTo('chat.postMessage').find((call) => call.body.channel === SLACK_IDS.ada),
    );
    expect(String(dm.body.text)).toMatch(/^Hello \(req-[a-z0-9]+\) is (approved and about to run|running)$/);
    const done = await slack.waitFor(
      () => slack.callsTo('chat.update').find((call) => String(call.body.text).endsWith('is done')),
      10_000,
    );
    expect(done.body.channel).toBe('D0ADA');
    expect(JSON.stringify(done.body.blocks)).toContain('Greeted ada.');
    const [request] = await bed.system.desk.list({ limit: 1 });
    expect(request?.values).toEqual({ name: 'ada', owner: 'group:default/platform', loud: true, count: 3 });
    expect(request?.steps.map((step) => step.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  });

  it("posts the approval to the approvers' channel, refuses a non-member's click, and a member's approval runs it", async () => {
    const request = await bed.system.desk.submit({
      templateRef: 'gated',
      values: { purpose: 'Reports', environment: 'production' },
      requester: { platform: 'slack', id: SLACK_IDS.alan, userRef: 'user:default/alan' },
    });
    const approval = await slack.waitFor(() =>
      slack.callsTo('chat.postMessage').find((call) => call.body.channel === 'C0PLATFORM'),
    );
    const buttons = JSON.stringify(approval.body.blocks);
    // The values in the template's parameter order, not as the database keeps them.
    expect(buttons.indexOf('environment')).toBeLessThan(buttons.indexOf('purpose'));
    expect(buttons).toContain(`<@${SLACK_IDS.alan}> asks to run`);
    expect(buttons).toContain(`/provision approve ${request.id}`);
    expect(buttons).toContain(`/provision reject ${request.id}`);

    const click = (userId: string, verb: string) =>
      postToSlackEndpoint(
        testbed.base,
        blockActionsRequest({
          actionId: 'wayfinder_run_command:0',
          value: `/provision ${verb} ${request.id}`,
          userId,
          channelId: 'C0PLATFORM',
          responseUrl: slack.responseUrl(`${userId}-${verb}`),
        }),
      );
    await click(SLACK_IDS.katherine, 'approve');
    const refusal = await slack.waitFor(() =>
      slack.responses.find((response) => response.id === `${SLACK_IDS.katherine}-approve`),
    );
    expect(refusal.body.text).toBe(
      `Only members of Platform Team (or its sub-teams) can decide on request ${request.id}; Katherine Johnson is not one.`,
    );
    await click(SLACK_IDS.grace, 'approve');
    const accepted = await slack.waitFor(() =>
      slack.responses.find((response) => response.id === `${SLACK_IDS.grace}-approve`),
    );
    expect(accepted.body.text).toMatch(/^You approved req-/);
    const edited = await slack.waitFor(() =>
      slack
        .callsTo('chat.update')
        .find(
          (call) =>
            call.body.channel === 'C0PLATFORM' &&
            JSON.stringify(call.body.blocks).includes(`Approved by <@${SLACK_IDS.grace}>`),
        ),
    );
    expect(JSON.stringify(edited.body.blocks)).not.toContain('/provision approve');
    await slack.waitFor(
      () =>
        slack
          .callsTo('chat.update')
          .find((call) => call.body.channel === 'D0ALAN' && String(call.body.text).endsWith('is done')),
      10_000,
    );
  });

  it('asks for a reason in a modal when an approver rejects, and tells the requester', async () => {
    const request = await bed.system.desk.submit({
      templateRef: 'gated',
      values: { environment: 'production' },
      requester: { platform: 'slack', id: SLACK_IDS.alan, userRef: 'user:default/alan' },
    });
    await postToSlackEndpoint(
      testbed.base,
      blockActionsRequest({
        actionId: 'wayfinder_run_command:1',
        value: `/provision reject ${request.id}`,
        userId: SLACK_IDS.ada,
        channelId: 'C0PLATFORM',
        responseUrl: slack.responseUrl('reject'),
      }),
    );
    const modal = (await slack.waitFor(() => slack.callsTo('views.open').at(-1))).body.view as View;
    expect(modal.blocks.find((block) => block.type === 'input')?.block_id).toBe('reason');
    await submit(modal, { reason: text('Use the shared cluster') }, SLACK_IDS.ada);
    const stored = await bed.system.desk.get({ id: request.id });
    expect([stored.state, stored.reason, stored.decidedBy?.userRef]).toEqual([
      'rejected',
      'Use the shared cluster',
      'user:default/ada',
    ]);
    await slack.waitFor(() =>
      slack
        .callsTo('chat.update')
        .find((call) => call.body.channel === 'D0ALAN' && String(call.body.text).endsWith('was rejected')),
    );
  });

  it("resolves a never-seen approver by email before deciding: a sub-team member's first Approve counts", async () => {
    const request = await bed.system.desk.submit({
      templateRef: 'gated',
      values: { environment: 'production' },
      requester: { platform: 'slack', id: SLACK_IDS.alan, userRef: 'user:default/alan' },
    });
    const response = await postToSlackEndpoint(
      testbed.base,
      slashCommandRequest({ command: '/provision', text: `approve ${request.id}`, userId: UNLINKED_SLACK_IDS.ken }),
    );
    expect(((await response.json()) as { text: string }).text).toMatch(/^You approved req-/);
    const stored = await bed.system.desk.get({ id: request.id });
    expect(stored.decidedBy?.userRef).toBe('user:default/ken');
  });

  it('records a never-seen requester as their catalog User on their first request', async () => {
    const userId = UNLINKED_SLACK_IDS.hopper;
    const page1 = (await submit(await slash('', userId), { template: selected('external_select', 'hello') }, userId))
      ?.view as View;
    const page2 = (
      await submit(page1, { name: text('hopper'), owner: selected('external_select', 'group:default/data') }, userId)
    )?.view as View;
    const review = (await submit(page2, { count: { type: 'number_input', value: '1' } }, userId))?.view as View;
    expect(await submit(review, {}, userId)).toBeUndefined();
    const [request] = await bed.system.desk.list({ limit: 1 });
    // `name` is the User's, read from the catalog with the request (hopper's User has no display name).
    expect(request?.requester).toEqual({
      platform: 'slack',
      id: userId,
      userRef: 'user:default/hopper',
      name: 'hopper',
    });
  });

  it('reviews a long value cut to its own limit, with the plan and the approval notice always shown', async () => {
    const userId = SLACK_IDS.alan;
    const page = await slash('gated', userId);
    const review = (
      await submit(
        page,
        { environment: selected('static_select', 'production'), purpose: text('x'.repeat(10_000)) },
        userId,
      )
    )?.view as View;
    const sections = review.blocks.filter((block) => block.type === 'section');
    for (const section of sections) expect(section.text?.text.length).toBeLessThanOrEqual(3000);
    const shown = viewText(review);
    expect(shown).toContain(`• purpose: ${'x'.repeat(1999)}…`);
    expect(shown).not.toContain('x'.repeat(2000));
    expect(shown).toContain('*Plan (dry run)*');
    expect(shown).toContain('Log (debug:log)');
    expect(shown).toContain('Needs an approval from Platform Team.');
  });

  it('asks for an integer with a number input that takes whole numbers only', async () => {
    const page1 = (
      await submit(await slash('', SLACK_IDS.ada), { template: selected('external_select', 'hello') }, SLACK_IDS.ada)
    )?.view as View;
    const page2 = (
      await submit(
        page1,
        { name: text('ada'), owner: selected('external_select', 'group:default/platform') },
        SLACK_IDS.ada,
      )
    )?.view as View;
    const count = page2.blocks.find((block) => block.block_id === 'count');
    expect(count?.element).toMatchObject({ type: 'number_input', is_decimal_allowed: false });
  });

  it('answers an approve of an id that names no request as an unknown request, not an unknown template', async () => {
    const response = await postToSlackEndpoint(
      testbed.base,
      slashCommandRequest({ command: '/provision', text: 'approve nope-123', userId: SLACK_IDS.ada }),
    );
    expect(((await response.json()) as { text: string }).text).toMatch(/^There is no request nope-123\./);
  });
});
