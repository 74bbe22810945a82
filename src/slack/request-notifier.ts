/**
 * `RequestNotifier` on Slack. The requester gets one direct message (`chat.postMessage` to their user id, which
 * Slack delivers in the app's DM), edited with `chat.update` at every change and ending with the template's output.
 * While a request awaits approval, the approval message goes to the approver group's channel
 * (`slack.com/bot-notify`), else to each member of the group and its sub-teams whose Slack account Wayfinder knows;
 * once someone decides, each copy is edited to say who and how, without the buttons.
 *
 * Changes of one request are handled one at a time, each from the request as stored now, so a late notification
 * never puts an older state back.
 */
import type { WebClient } from '@slack/web-api';
import { channelOf } from '../core/catalog/facts.ts';
import { errorMessage } from '../core/errors.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { RequestNotifier } from '../core/ports/request-notifier.ts';
import type { RequestStore } from '../core/ports/request-store.ts';
import type { TemplateEngine } from '../core/ports/template-engine.ts';
import { approvalMessage, parameterOrder, requestStatusMessage } from '../core/requests/messages.ts';
import type { PostedMessage, TemplateRequest } from '../core/requests/types.ts';
import type { Message } from '../core/view-model.ts';
import { describeError, type Logger } from '../http/server.ts';
import { slackConversationOf } from './channels.ts';
import { renderSlackMessage } from './render/message.ts';
import { callSlack } from './web-client.ts';

export function createSlackRequestNotifier(opts: {
  client: WebClient;
  requests: Pick<RequestStore, 'getRequest' | 'setStatusMessage' | 'addApprovalMessages' | 'groupMemberIds'>;
  catalog: Pick<CatalogStore, 'getEntity'>;
  /** Where the approval message reads the template's parameter order from; without it, values come as stored. */
  templates?: Pick<TemplateEngine, 'get'>;
  logger: Logger;
}): RequestNotifier {
  const { client, requests, logger } = opts;
  const queues = new Map<string, Promise<void>>();

  const post = async (channel: string, message: Message): Promise<PostedMessage | undefined> => {
    const { text, blocks } = renderSlackMessage(message, { shareable: false });
    const posted = await callSlack('chat.postMessage', () =>
      client.chat.postMessage({ channel, text, blocks, unfurl_links: false }),
    );
    return posted.channel && posted.ts ? { platform: 'slack', channel: posted.channel, ts: posted.ts } : undefined;
  };

  const edit = async (where: PostedMessage, message: Message) => {
    const { text, blocks } = renderSlackMessage(message, { shareable: false });
    await callSlack('chat.update', () => client.chat.update({ channel: where.channel, ts: where.ts, text, blocks }));
  };

  const updateStatus = async (request: TemplateRequest) => {
    if (request.requester.platform !== 'slack') return;
    const message = requestStatusMessage(request);
    if (request.statusMessage) return edit(request.statusMessage, message);
    const posted = await post(request.requester.id, message);
    if (posted) await requests.setStatusMessage({ id: request.id, message: posted });
  };

  const approverChannels = async (request: TemplateRequest): Promise<string[]> => {
    if (!request.approvers) return [];
    const group = await opts.catalog.getEntity({ ref: request.approvers });
    const channel = group && channelOf(group);
    const conversation = channel && slackConversationOf(channel);
    if (conversation) return [conversation];
    return requests.groupMemberIds({ groupRef: request.approvers, platform: 'slack' });
  };

  /** The approvers' message with the values in the template's parameter order (`parameterOrder`). */
  const approvalOf = async (request: TemplateRequest) => {
    const template = await opts.templates?.get(request.templateRef).catch((error: unknown) => {
      logger.warn(`Could not read template ${request.templateRef} for the approval of ${request.id}`, {
        error: describeError(error),
      });
      return undefined;
    });
    return approvalMessage(request, template ? { order: parameterOrder(template) } : {});
  };

  const updateApprovals = async (request: TemplateRequest) => {
    if (request.state === 'awaiting-approval' && request.approvalMessages.length === 0) {
      const channels = await approverChannels(request);
      if (channels.length === 0) {
        logger.warn(`Request ${request.id}: nobody in ${request.approvers} can be reached on Slack to approve it`);
      }
      const posted: PostedMessage[] = [];
      const message = await approvalOf(request);
      for (const channel of channels) {
        const where = await post(channel, message).catch((error: unknown) => {
          logger.warn(`Could not post the approval of ${request.id}: ${errorMessage(error)}`, describeError(error));
          return undefined;
        });
        if (where) posted.push(where);
      }
      await requests.addApprovalMessages({ id: request.id, messages: posted });
    } else if (request.state !== 'awaiting-approval') {
      const message = await approvalOf(request);
      for (const where of request.approvalMessages) await edit(where, message);
    }
  };

  const handle = async (id: string) => {
    const request = await requests.getRequest({ id });
    if (!request) return;
    try {
      await updateStatus(request);
    } catch (error) {
      logger.warn(`Could not update the status message of ${id}: ${errorMessage(error)}`, describeError(error));
    }
    try {
      await updateApprovals(request);
    } catch (error) {
      logger.warn(`Could not update the approval messages of ${id}: ${errorMessage(error)}`, describeError(error));
    }
  };

  return {
    changed(request) {
      const next = (queues.get(request.id) ?? Promise.resolve()).then(() => handle(request.id));
      queues.set(request.id, next);
      void next.finally(() => {
        if (queues.get(request.id) === next) queues.delete(request.id);
      });
      return next;
    },
  };
}
