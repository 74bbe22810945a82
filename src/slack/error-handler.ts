/**
 * The App's one error handler (STYLE.md rule 8): whatever a listener did not turn into an answer arrives here.
 * It logs what identifies the failure (error name, code, message; request type, command, user) and never the body,
 * which carries the verification token and the response_url. When the request has a response_url, the person gets
 * a constant apology instead of silence.
 */
import { describeError, type Logger } from '../http/server.ts';

export const APOLOGY =
  'Sorry, Wayfinder could not answer that. The error has been logged; please try again in a moment.';

/** The part of Bolt's `ExtendedErrorHandlerArgs` this handler reads (the type is not exported by `@slack/bolt`). */
export interface SlackErrorArgs {
  error: Error;
  body: unknown;
}

export function createSlackErrorHandler(opts: { logger: Logger; fetch?: typeof fetch }) {
  const post = opts.fetch ?? globalThis.fetch;
  return async function handleSlackError({ error, body }: SlackErrorArgs): Promise<void> {
    const original = (error as { original?: unknown }).original;
    opts.logger.error('Slack request failed', {
      error: describeError(error),
      ...(original !== undefined ? { cause: describeError(original) } : {}),
      request: describeRequest(body),
    });
    const responseUrl = (body as { response_url?: unknown }).response_url;
    if (typeof responseUrl !== 'string') return;
    try {
      const response = await post(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text: APOLOGY }),
      });
      if (!response.ok) opts.logger.warn(`Could not send the apology: response_url answered ${response.status}`);
    } catch (postError) {
      opts.logger.warn('Could not send the apology', describeError(postError));
    }
  };
}

function describeRequest(body: unknown): Record<string, string> {
  const fields = (body ?? {}) as Record<string, unknown>;
  const described: Record<string, string> = {};
  const type = fields.command ? 'command' : fields.type;
  if (typeof type === 'string') described.type = type;
  if (typeof fields.command === 'string') described.command = fields.command;
  const event = fields.event as { type?: unknown; user?: unknown } | undefined;
  if (typeof event?.type === 'string') described.event = event.type;
  const actions = fields.actions as { action_id?: unknown }[] | undefined;
  if (typeof actions?.[0]?.action_id === 'string') described.action = actions[0].action_id;
  const user = fields.user_id ?? (fields.user as { id?: unknown } | undefined)?.id ?? event?.user;
  if (typeof user === 'string') described.user = user;
  return described;
}
