import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APOLOGY, createSlackErrorHandler } from '../../src/slack/error-handler.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { recordingLogger } from '../helpers/listener-context.ts';

let slack: FakeSlackApi;
beforeAll(async () => {
  slack = await startFakeSlackApi();
});
afterAll(async () => {
  await slack.close();
});

describe('the Slack error handler', () => {
  it('logs what failed without the request body, and apologises through the response_url', async () => {
    const logger = recordingLogger();
    const handle = createSlackErrorHandler({ logger });
    const body = {
      token: 'legacy-verification-token',
      command: '/owner',
      text: 'payments-api',
      user_id: 'U0ASKER',
      response_url: slack.responseUrl('oops'),
    };
    await handle({ error: new TypeError('x is undefined'), body });

    const logged = logger.lines.join('\n');
    expect(logged).toContain('TypeError');
    expect(logged).toContain('/owner');
    expect(logged).toContain('U0ASKER');
    expect(logged).not.toContain('legacy-verification-token');
    expect(logged).not.toContain('/response/');
    expect(slack.responses).toEqual([
      { id: 'oops', body: { response_type: 'ephemeral', replace_original: false, text: APOLOGY } },
    ]);
  });

  it('only logs when there is no response_url (events)', async () => {
    const logger = recordingLogger();
    const before = slack.responses.length;
    await createSlackErrorHandler({ logger })({
      error: new Error('db down'),
      body: { type: 'event_callback', event: { type: 'app_home_opened', user: 'U1' } },
    });
    expect(logger.lines.join('\n')).toContain('app_home_opened');
    expect(slack.responses).toHaveLength(before);
  });
});
