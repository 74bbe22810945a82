/**
 * The messages about a request, as view-models: the requester's status message (edited as the request moves, ending
 * with the template's output links and text) and the approvers' message (Approve and Reject while it waits, who
 * decided afterwards). Buttons run `/provision <verb> <id>`: the command decides who may, from the catalog.
 */
import type { Block, Button, ListItem, Message, RichText } from '../view-model.ts';
import { code, link, text as plain, strong } from '../view-model.ts';
import type { RequestStep, TemplateRequest } from './types.ts';
import { actorName, stateWords } from './words.ts';

const STEP_MARK: Readonly<Record<RequestStep['status'], string>> = {
  pending: '○',
  running: '◐',
  succeeded: '●',
  skipped: '–',
  failed: '✕',
};

const HEADLINE: Readonly<Record<TemplateRequest['state'], string>> = {
  'awaiting-approval': 'is waiting for approval',
  approved: 'is approved and about to run',
  running: 'is running',
  succeeded: 'is done',
  failed: 'failed',
  rejected: 'was rejected',
  cancelled: 'was cancelled',
};

/** The requester's status message for `request` as it stands. */
export function requestStatusMessage(request: TemplateRequest): Message {
  const headline = `${request.templateTitle} (${request.id}) ${HEADLINE[request.state]}`;
  const blocks: Block[] = [{ type: 'header', text: headline }];
  blocks.push({ type: 'fields', fields: requestFields(request) });
  if (request.steps.length > 0) blocks.push({ type: 'list', title: 'Steps', items: request.steps.map(stepItem) });
  if (request.state === 'failed' && request.error) blocks.push({ type: 'text', text: [plain(request.error)] });
  if (request.state === 'succeeded' && request.output) blocks.push(...outputBlocks(request));
  const buttons = manageButtons(request);
  if (buttons.length > 0) blocks.push({ type: 'actions', buttons });
  return { summary: headline, blocks };
}

/** The approvers' message: the request and its values, with Approve and Reject until someone decides. */
export function approvalMessage(request: TemplateRequest): Message {
  const who = actorName(request.requester);
  const summary =
    request.state === 'awaiting-approval'
      ? `${who} asks to run ${request.templateTitle} (${request.id}); ${request.approvers} decides`
      : `${request.templateTitle} (${request.id}) ${HEADLINE[request.state]}`;
  const blocks: Block[] = [
    { type: 'header', text: `Approval: ${request.templateTitle}` },
    {
      type: 'text',
      text: [requesterSpan(request), plain(' asks to run '), strong(request.templateTitle), plain(` (${request.id}).`)],
    },
    { type: 'fields', fields: valueFields(request.values) },
  ];
  if (request.state === 'awaiting-approval') {
    blocks.push({
      type: 'actions',
      buttons: [
        { label: 'Approve', action: 'run', command: `/provision approve ${request.id}`, style: 'primary' },
        { label: 'Reject', action: 'run', command: `/provision reject ${request.id}`, style: 'danger' },
      ],
    });
  } else {
    blocks.push({ type: 'context', text: [plain(`${decisionLine(request)} Now ${stateWords(request.state)}.`)] });
  }
  return { summary, blocks };
}

/** `Approved by user:default/ada.`, `Rejected by …: reason.` or `Cancelled by ….`: the decision, whatever followed. */
export function decisionLine(request: TemplateRequest): string {
  const by = request.decidedBy ? ` by ${actorName(request.decidedBy)}` : '';
  const reason = request.reason ? `: ${request.reason}` : '';
  const decision = request.state === 'rejected' ? 'Rejected' : request.state === 'cancelled' ? 'Cancelled' : 'Approved';
  return `${decision}${by}${reason}.`;
}

/** The values a person chose, one field each (JSON for lists and objects). */
export function valueFields(values: Readonly<Record<string, unknown>>): { label: string; value: RichText }[] {
  return Object.entries(values).map(([key, value]) => ({
    label: key,
    value: [plain(typeof value === 'string' ? value : JSON.stringify(value))],
  }));
}

function requestFields(request: TemplateRequest): { label: string; value: RichText }[] {
  const fields: { label: string; value: RichText }[] = [
    { label: 'State', value: [plain(stateWords(request.state))] },
    { label: 'Requested by', value: [requesterSpan(request)] },
  ];
  if (request.approvers) fields.push({ label: 'Approvers', value: [code(request.approvers)] });
  if (request.decidedBy) fields.push({ label: 'Decision', value: [plain(decisionLine(request))] });
  return fields;
}

function requesterSpan(request: TemplateRequest) {
  const requester = request.requester;
  if (requester.platform === 'console') return plain(requester.userRef ?? 'the console');
  return {
    kind: 'user' as const,
    name: requester.userRef ?? requester.id,
    ids: { [requester.platform]: requester.id },
  };
}

function stepItem(step: RequestStep): ListItem {
  const detail: RichText = step.error ? [plain(step.error)] : step.log.length > 0 ? [plain(step.log.at(-1) ?? '')] : [];
  return {
    text: [plain(`${STEP_MARK[step.status]} `), strong(step.name), plain(` ${step.action} · ${step.status}`)],
    ...(detail.length > 0 ? { detail } : {}),
  };
}

function outputBlocks(request: TemplateRequest): Block[] {
  const output = request.output;
  if (!output) return [];
  const blocks: Block[] = [];
  const links = output.links.flatMap((entry): ListItem[] => {
    const title = entry.title ?? entry.url ?? entry.entityRef ?? 'Link';
    if (entry.url) return [{ text: [link(title, entry.url)] }];
    if (entry.entityRef) return [{ text: [plain(`${title}: `), code(entry.entityRef)] }];
    return [];
  });
  if (links.length > 0) blocks.push({ type: 'list', title: 'Links', items: links });
  for (const entry of output.text) {
    if (entry.title) blocks.push({ type: 'text', text: [strong(entry.title)] });
    blocks.push({ type: 'text', text: [plain(entry.content)] });
  }
  return blocks;
}

function manageButtons(request: TemplateRequest): Button[] {
  const buttons: Button[] = [];
  if (request.state === 'failed') {
    buttons.push({ label: 'Retry', action: 'run', command: `/provision retry ${request.id}`, style: 'primary' });
  }
  if (['awaiting-approval', 'approved', 'failed'].includes(request.state)) {
    buttons.push({
      label: 'Cancel request',
      action: 'run',
      command: `/provision cancel ${request.id}`,
      style: 'danger',
    });
  }
  return buttons;
}
