/**
 * A command that answers with a Form, end to end through the real Bolt App: the slash command opens a modal with its
 * trigger_id, the submission comes back to the same command as checked values, errors go back next to the fields, a
 * second page replaces the first, and the final answer reaches the person. No shipped command uses a Form yet
 * (`/provision` will), so the command is defined here.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerCommandLine, commandNamed } from '../../src/core/commands/index.ts';
import type { CommandDefinition, FormSubmission } from '../../src/core/commands/types.ts';
import type { Form } from '../../src/core/view-model.ts';
import type { Database } from '../../src/db/client.ts';
import type { SlackApp } from '../../src/slack/app.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { type SlackHttpTestbed, startSlackHttpTestbed } from '../helpers/slack-http-testbed.ts';
import { postToSlackEndpoint, slashCommandRequest, viewSubmissionRequest } from '../helpers/slack-requests.ts';

/** Two pages: a bucket's name and size, then who owns it; the first page's answers travel in the form's state. */
function bucketForm(page: string, state?: string): Form | undefined {
  if (page === 'bucket') {
    return {
      id: 'bucket',
      title: 'Request a storage bucket now',
      submitLabel: 'Next',
      fields: [
        { type: 'text', id: 'name', label: 'Bucket name', required: true, placeholder: 'invoices-archive' },
        { type: 'number', id: 'size', label: 'Size in GB', required: true, min: 1, max: 500 },
        {
          type: 'select',
          id: 'region',
          label: 'Region',
          required: false,
          options: [
            { label: 'Frankfurt', value: 'eu-central-1' },
            { label: 'Dublin', value: 'eu-west-1' },
          ],
        },
      ],
    };
  }
  if (page === 'owner' && state) {
    return {
      id: 'owner',
      title: 'Who owns it',
      submitLabel: 'Request',
      state,
      fields: [
        { type: 'user', id: 'approver', label: 'Approver', required: true },
        { type: 'checkbox', id: 'public', label: 'Readable by everyone' },
      ],
    };
  }
  return undefined;
}

const submissions: FormSubmission[] = [];
const bucketCommand: CommandDefinition = {
  name: 'bucket',
  description: 'Requests a storage bucket.',
  usage: '',
  example: '/wayfinder bucket',
  async run() {
    return { kind: 'form', command: 'bucket', form: bucketForm('bucket') as Form };
  },
  async formOf(_context, { formId, state }) {
    return bucketForm(formId, state);
  },
  async submit(_context, submission) {
    submissions.push(submission);
    if (submission.formId === 'bucket') {
      const { name, size, region } = submission.values;
      if (name === 'taken') return { kind: 'invalid', errors: { name: 'A bucket named taken exists already.' } };
      return {
        kind: 'form',
        command: 'bucket',
        form: bucketForm('owner', JSON.stringify({ name, size, region })) as Form,
      };
    }
    const bucket = JSON.parse(submission.state ?? '{}') as { name: string; size: number };
    const summary = `Requested ${bucket.name} (${bucket.size} GB).`;
    return { summary, blocks: [{ type: 'text', text: [{ kind: 'text', text: summary }] }] };
  },
};

let database: Database;
let slack: FakeSlackApi;
let slackApp: SlackApp;
let testbed: SlackHttpTestbed;
let base: string;

beforeAll(async () => {
  database = await openTestDatabase();
  slack = await startFakeSlackApi();
  testbed = await startSlackHttpTestbed({
    database,
    slack,
    botToken: 'xoxb-forms',
    services: () => ({
      commandNamed: (name) => (name === 'bucket' ? bucketCommand : commandNamed(name)),
      runCommand: async (context, line) =>
        line.trim() === '/wayfinder bucket' ? bucketCommand.run(context, '') : answerCommandLine(context, line),
    }),
  });
  slackApp = testbed.slackApp;
  base = testbed.base;
});

afterAll(async () => {
  await testbed?.close();
  await slack?.close();
  await database?.close();
});

beforeEach(async () => {
  await slackApp.idle();
  slack.calls.length = 0;
  submissions.length = 0;
});

interface OpenedView {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  blocks: { block_id?: string; element?: { type: string } }[];
}

async function openBucketModal(): Promise<OpenedView> {
  const response = await postToSlackEndpoint(base, slashCommandRequest({ command: '/wayfinder', text: 'bucket' }));
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('');
  // The ack closes the request first; the modal opens right after, within the trigger_id's 3 s.
  const open = await slack.waitFor(() => slack.callsTo('views.open')[0]);
  expect(open.body.trigger_id).toBe('1.2.abc');
  return open.body.view as OpenedView;
}

async function submit(view: OpenedView, values: Record<string, Record<string, unknown>>) {
  const state = Object.fromEntries(Object.entries(values).map(([id, value]) => [id, { [id]: value }]));
  const response = await postToSlackEndpoint(base, viewSubmissionRequest({ view, values: state, userId: 'U0ASKER' }));
  expect(response.status).toBe(200);
  const body = await response.text();
  return body === '' ? undefined : (JSON.parse(body) as Record<string, unknown>);
}

describe('a command answering with a Form', () => {
  it('opens it as a modal with the command trigger_id, one input per field', async () => {
    const view = await openBucketModal();

    expect(view.callback_id).toBe('wayfinder_form');
    // Slack's modal titles hold 24 characters.
    expect(view.title.text).toBe('Request a storage bucke…');
    expect(view.blocks.map((block) => [block.block_id, block.element?.type])).toEqual([
      ['name', 'plain_text_input'],
      ['size', 'number_input'],
      ['region', 'static_select'],
    ]);
  });

  it('answers field errors next to the fields, before the command sees the values', async () => {
    const view = await openBucketModal();

    const answer = await submit(view, {
      name: { type: 'plain_text_input', value: '' },
      size: { type: 'number_input', value: '9000' },
      region: { type: 'static_select', selected_option: null },
    });

    expect(answer).toEqual({
      response_action: 'errors',
      errors: { name: 'Bucket name is required.', size: 'Size in GB: expected at most 500.' },
    });
    expect(submissions).toEqual([]);
  });

  it("passes the command's own errors back to the form", async () => {
    const view = await openBucketModal();

    const answer = await submit(view, {
      name: { type: 'plain_text_input', value: 'taken' },
      size: { type: 'number_input', value: '5' },
    });

    expect(answer).toEqual({ response_action: 'errors', errors: { name: 'A bucket named taken exists already.' } });
  });

  it('turns the page with the values checked, and delivers the answer of the last page to the person', async () => {
    const first = await openBucketModal();
    const next = await submit(first, {
      name: { type: 'plain_text_input', value: '  invoices-archive ' },
      size: { type: 'number_input', value: '20' },
      region: { type: 'static_select', selected_option: { value: 'eu-west-1' } },
    });
    expect(submissions[0]).toEqual({
      formId: 'bucket',
      values: { name: 'invoices-archive', size: 20, region: 'eu-west-1' },
    });
    expect(next).toMatchObject({ response_action: 'update', view: { callback_id: 'wayfinder_form' } });
    const second = (next as { view: OpenedView }).view;
    expect(second.blocks.map((block) => block.element?.type)).toEqual(['users_select', 'checkboxes']);

    const last = await submit(second, {
      approver: { type: 'users_select', selected_user: 'U0ADA' },
      public: { type: 'checkboxes', selected_options: [] },
    });

    expect(last).toBeUndefined();
    expect(submissions[1]).toEqual({
      formId: 'owner',
      state: JSON.stringify({ name: 'invoices-archive', size: 20, region: 'eu-west-1' }),
      values: { approver: { slack: 'U0ADA' }, public: false },
    });
    const posted = await slack.waitFor(() => slack.callsTo('chat.postMessage')[0]);
    expect(posted.body).toMatchObject({ channel: 'U0ASKER', text: 'Requested invoices-archive (20 GB).' });
  });

  it('closes a modal whose metadata is not Wayfinder’s without running anything', async () => {
    const answer = await submit(
      { callback_id: 'wayfinder_form', private_metadata: 'not json', title: { text: 'x' }, blocks: [] },
      { name: { type: 'plain_text_input', value: 'x' } },
    );
    expect(answer).toBeUndefined();
    expect(submissions).toEqual([]);
  });
});
