/**
 * A modal opened for a command's Form was submitted (`view_submission`, callback id `wayfinder_form`). The values
 * go back to the command that opened it (`src/chat/forms.ts`: checked against the form, then the command's
 * `submit`), and the ack says what happens to the modal, within Slack's 3 seconds:
 * - field errors → `response_action: errors`, shown next to the fields, the modal staying open;
 * - the next page's Form → `response_action: update`;
 * - a Message → the modal closes and the answer is sent to the person in the app's Messages tab (a view submission
 *   has no response_url); deferred work and slow answers close it at once and send the answer when done.
 */
import type { SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { submitChatForm } from '../../../chat/forms.ts';
import type { Message } from '../../../core/view-model.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { parseFormMetadata, renderSlackModal } from '../../render/form.ts';
import { renderSlackMessage } from '../../render/message.ts';
import { deliverLater, learnIdentities, slackContext } from '../answer.ts';

export type ViewSubmissionArgs = Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, 'ack' | 'body' | 'view'> & {
  client: WebClient;
};

export async function submitForm(
  listener: ListenerContext,
  { ack, body, view, client }: ViewSubmissionArgs,
): Promise<void> {
  const metadata = parseFormMetadata(view.private_metadata);
  const userId = body.user.id;
  let acked = false;
  try {
    if (!metadata) {
      listener.logger.warn('A Wayfinder modal came back without its metadata; closing it');
      acked = true;
      await ack();
      return;
    }
    const outcome = await submitChatForm({
      services: listener.services,
      context: slackContext(listener, userId, client),
      submission: {
        command: metadata.c,
        formId: metadata.f,
        ...(metadata.s !== undefined ? { state: metadata.s } : {}),
        values: readStateValues(view.state.values),
      },
      deferAfterMs: listener.deferAfterMs,
    });
    const send = async (message: Message) => {
      const { text, blocks } = renderSlackMessage(message, { shareable: false });
      await client.chat.postMessage({ channel: userId, text, blocks });
      learnIdentities(listener, { client, slackUserId: userId, message });
    };
    acked = true;
    if (!('kind' in outcome)) {
      await ack();
      await send(outcome);
    } else if (outcome.kind === 'invalid') {
      await ack({ response_action: 'errors', errors: outcome.errors });
    } else if (outcome.kind === 'close') {
      await ack();
    } else if (outcome.kind === 'form') {
      const next = renderSlackModal(outcome.form, {
        command: outcome.command,
        ...(metadata.ch ? { channelId: metadata.ch } : {}),
      });
      await ack({ response_action: 'update', view: next });
    } else {
      await ack();
      deliverLater(listener, { deferred: outcome, line: `/${metadata.c}`, client, slackUserId: userId, deliver: send });
    }
  } catch (error) {
    if (!acked) await ack();
    throw error;
  }
}

/** One input's state, as Slack sends it for the elements `renderSlackModal` writes. */
const ElementState = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
  selected_user: z.string().nullish(),
  selected_date: z.string().nullish(),
  selected_conversation: z.string().nullish(),
  selected_channel: z.string().nullish(),
});
const StateValues = z.record(z.string(), z.record(z.string(), ElementState));

/**
 * `view.state.values` (block id → action id → element state) as raw values by field id: text and numbers as typed,
 * a select's value, a multi-select's values, a checkbox as checked or not, a picked user or conversation as its Slack
 * id. Anything Wayfinder did not render is left out; `parseFormValues` then checks the values against the form.
 */
export function readStateValues(values: unknown): Record<string, unknown> {
  const parsed = StateValues.safeParse(values);
  if (!parsed.success) return {};
  const raw: Record<string, unknown> = {};
  for (const [blockId, actions] of Object.entries(parsed.data)) {
    const state = actions[blockId];
    if (!state) continue;
    switch (state.type) {
      case 'plain_text_input':
      case 'number_input':
        raw[blockId] = state.value ?? undefined;
        break;
      case 'static_select':
      case 'external_select':
        raw[blockId] = state.selected_option?.value;
        break;
      case 'multi_static_select':
      case 'multi_external_select':
      case 'checkboxes':
        // A single checkbox comes back as `['checked']` or `[]`; `parseFormValues` reads that as checked or not.
        raw[blockId] = (state.selected_options ?? []).map((option) => option.value);
        break;
      case 'datepicker':
        raw[blockId] = state.selected_date ?? undefined;
        break;
      case 'users_select':
        raw[blockId] = state.selected_user ? { slack: state.selected_user } : undefined;
        break;
      case 'conversations_select':
      case 'channels_select': {
        const id = state.selected_conversation ?? state.selected_channel;
        raw[blockId] = id ? { slack: id } : undefined;
        break;
      }
      default:
        break;
    }
  }
  return raw;
}
