/**
 * The options of an external select in a Wayfinder modal (`block_suggestion`): what the person typed goes to the
 * command that opened the form (`src/chat/forms.ts`, `chatFormOptions`), which answers from the catalog or the
 * template list. Slack waits 3 seconds for the answer; an empty list is answered when anything goes wrong, and the
 * failure logged.
 */
import type { BlockSuggestion, SlackOptionsMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { chatFormOptions } from '../../../chat/forms.ts';
import { describeError } from '../../../http/server.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { parseFormMetadata, SLACK_MODAL_LIMITS } from '../../render/form.ts';
import { truncatePlain } from '../../render/message.ts';
import { slackContext } from '../answer.ts';

export type LookupOptionsArgs = Pick<SlackOptionsMiddlewareArgs<'block_suggestion'>, 'ack' | 'body'> & {
  client?: WebClient;
};

export async function answerLookupOptions(
  listener: ListenerContext,
  { ack, body, client }: LookupOptionsArgs,
): Promise<void> {
  const suggestion: BlockSuggestion = body;
  const metadata = parseFormMetadata(suggestion.view?.private_metadata);
  if (!metadata) {
    await ack({ options: [] });
    return;
  }
  try {
    const options = await chatFormOptions({
      services: listener.services,
      context: slackContext(listener, suggestion.user.id, client),
      command: metadata.c,
      formId: metadata.f,
      ...(metadata.s !== undefined ? { state: metadata.s } : {}),
      fieldId: suggestion.action_id,
      query: suggestion.value ?? '',
    });
    await ack({
      options: options
        .filter((option) => option.value.length > 0 && option.value.length <= SLACK_MODAL_LIMITS.optionValue)
        .map((option) => ({
          text: {
            type: 'plain_text' as const,
            text: truncatePlain(option.label, SLACK_MODAL_LIMITS.optionText) || '…',
          },
          value: option.value,
        })),
    });
  } catch (error) {
    listener.logger.error('Answering a lookup field failed', { error: describeError(error) });
    await ack({ options: [] });
  }
}
