/**
 * Requests into Wayfinder built and signed exactly as Slack builds and signs them: slash commands form-encoded,
 * interactions as a form field `payload` holding JSON, events as JSON; `X-Slack-Signature: v0=<hex HMAC-SHA256 of
 * "v0:<timestamp>:<raw body>">` keyed with the signing secret. Helpers forge, age and strip them for the refusals.
 */
import { createHmac } from 'node:crypto';
import { FAKE_TEAM_ID } from '../fakes/slack-api.ts';

export const TEST_SIGNING_SECRET = 'wayfinder-test-signing-secret';

export interface SlackRequest {
  body: string;
  headers: Record<string, string>;
}

export interface SignOptions {
  secret?: string;
  /** Unix seconds; default now. */
  timestamp?: number;
}

const FORM = 'application/x-www-form-urlencoded';

export function signSlackRequest(body: string, contentType: string, opts: SignOptions = {}): SlackRequest {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = createHmac('sha256', opts.secret ?? TEST_SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return {
    body,
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': `v0=${signature}`,
    },
  };
}

export interface SlashCommandInput {
  /** `/owner` */
  command: string;
  text?: string;
  userId?: string;
  channelId?: string;
  responseUrl?: string;
}

export function slashCommandRequest(input: SlashCommandInput, opts?: SignOptions): SlackRequest {
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM_ID,
    team_domain: 'wayfinder-test',
    channel_id: input.channelId ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: input.userId ?? 'U0ASKER',
    user_name: 'asker',
    command: input.command,
    text: input.text ?? '',
    api_app_id: 'A0WAYFIND',
    is_enterprise_install: 'false',
    response_url: input.responseUrl ?? 'https://hooks.slack.com/commands/T0WAYFIND/1/abc',
    trigger_id: '1.2.abc',
  }).toString();
  return signSlackRequest(body, FORM, opts);
}

export interface BlockActionInput {
  actionId: string;
  value: string;
  userId?: string;
  channelId?: string;
  /** Absent for buttons on the App Home, which carry a `view` instead. */
  responseUrl?: string;
  /** When the button was clicked, as Slack gives it (`seconds.micro`). */
  actionTs?: string;
}

export function blockActionsRequest(input: BlockActionInput, opts?: SignOptions): SlackRequest {
  const fromHome = input.responseUrl === undefined;
  const payload = {
    type: 'block_actions',
    token: 'legacy-verification-token',
    api_app_id: 'A0WAYFIND',
    team: { id: FAKE_TEAM_ID, domain: 'wayfinder-test' },
    user: { id: input.userId ?? 'U0ASKER', username: 'asker', name: 'asker', team_id: FAKE_TEAM_ID },
    trigger_id: '1.2.abc',
    is_enterprise_install: false,
    ...(fromHome
      ? { container: { type: 'view', view_id: 'V0HOME' }, view: { id: 'V0HOME', type: 'home', blocks: [] } }
      : {
          container: {
            type: 'message',
            message_ts: '1700000000.000001',
            channel_id: input.channelId ?? 'C0GENERAL',
            is_ephemeral: true,
          },
          channel: { id: input.channelId ?? 'C0GENERAL', name: 'general' },
          response_url: input.responseUrl,
        }),
    actions: [
      {
        type: 'button',
        action_id: input.actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Button' },
        value: input.value,
        action_ts: input.actionTs ?? '1700000000.000002',
      },
    ],
  };
  return signSlackRequest(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, opts);
}

export interface ViewSubmissionInput {
  /** The view as Wayfinder opened it (`callback_id`, `private_metadata`), with the person's input in `state.values`. */
  view: { callback_id: string; private_metadata?: string; blocks?: unknown[] };
  /** block id → action id → element state, as Slack sends them. */
  values: Record<string, Record<string, Record<string, unknown>>>;
  userId?: string;
}

/** A `view_submission` interaction, as Slack posts it when a modal's submit button is pressed. */
export function viewSubmissionRequest(input: ViewSubmissionInput, opts?: SignOptions): SlackRequest {
  const payload = {
    type: 'view_submission',
    token: 'legacy-verification-token',
    api_app_id: 'A0WAYFIND',
    team: { id: FAKE_TEAM_ID, domain: 'wayfinder-test' },
    user: { id: input.userId ?? 'U0ASKER', username: 'asker', name: 'asker', team_id: FAKE_TEAM_ID },
    trigger_id: '1.3.def',
    is_enterprise_install: false,
    view: {
      id: 'V0MODAL1',
      team_id: FAKE_TEAM_ID,
      type: 'modal',
      blocks: input.view.blocks ?? [],
      private_metadata: input.view.private_metadata ?? '',
      callback_id: input.view.callback_id,
      state: { values: input.values },
      hash: '1700000000.abc',
      title: { type: 'plain_text', text: 'Form' },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: null,
      previous_view_id: null,
      root_view_id: 'V0MODAL1',
      app_id: 'A0WAYFIND',
      external_id: '',
      app_installed_team_id: FAKE_TEAM_ID,
      bot_id: 'B0BOT',
    },
    response_urls: [],
  };
  return signSlackRequest(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, opts);
}

export interface EventInput {
  eventId: string;
  event: Record<string, unknown>;
  /** Sets `x-slack-retry-num` (and a retry reason), as Slack does on redelivery. */
  retryNum?: number;
}

export function eventRequest(input: EventInput, opts?: SignOptions): SlackRequest {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM_ID,
    api_app_id: 'A0WAYFIND',
    event: input.event,
    type: 'event_callback',
    event_id: input.eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: FAKE_TEAM_ID, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
  const request = signSlackRequest(body, 'application/json', opts);
  if (input.retryNum !== undefined) {
    request.headers['x-slack-retry-num'] = String(input.retryNum);
    request.headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return request;
}

export function appHomeOpenedEvent(userId: string, tab: 'home' | 'messages' = 'home'): Record<string, unknown> {
  return { type: 'app_home_opened', user: userId, channel: 'D0HOME', tab, event_ts: '1700000000.000100' };
}

/** The same request with a signature made with the wrong secret. */
export function forged(request: SlackRequest): SlackRequest {
  return signSlackRequest(request.body, request.headers['content-type'] ?? FORM, {
    secret: 'not-the-signing-secret',
    timestamp: Number(request.headers['x-slack-request-timestamp']),
  });
}

/** The same body, correctly signed, but `seconds` ago (Slack's window is five minutes). */
export function stale(request: SlackRequest, seconds = 6 * 60): SlackRequest {
  return signSlackRequest(request.body, request.headers['content-type'] ?? FORM, {
    timestamp: Math.floor(Date.now() / 1000) - seconds,
  });
}

/** The same request without the headers named (default: both signing headers). */
export function withoutHeaders(
  request: SlackRequest,
  names: string[] = ['x-slack-signature', 'x-slack-request-timestamp'],
): SlackRequest {
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !names.includes(name)));
  return { body: request.body, headers };
}

/** A request whose signature covers one body while another is sent (a body swapped in transit). */
export function withBody(request: SlackRequest, body: string): SlackRequest {
  return { body, headers: request.headers };
}

export async function postToSlackEndpoint(baseUrl: string, request: SlackRequest): Promise<Response> {
  return fetch(`${baseUrl}/slack/events`, { method: 'POST', headers: request.headers, body: request.body });
}
