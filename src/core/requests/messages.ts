/**
 * The messages about a request, as view-models: the requester's status message (edited as the request moves, ending
 * with the template's output links and text) and the approvers' message (Approve and Reject while it waits, who
 * decided afterwards). Buttons run `/provision <verb> <id>`: the command decides who may, from the catalog.
 */
import type { TemplateDefinition } from '../ports/template-engine.ts';
import { truncate } from '../text.ts';
import type { Block, Button, ListItem, Message, RichText, Span } from '../view-model.ts';
import { code, link, text as plain, strong } from '../view-model.ts';
import type { Actor, RequestStep, TemplateRequest } from './types.ts';
import { actorName, approversName, stateWords } from './words.ts';

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

/**
 * The approvers' message: the request and its values (in `order`, the template's parameter order, see
 * `parameterOrder`; values it does not name follow), with Approve and Reject until someone decides.
 */
export function approvalMessage(request: TemplateRequest, opts: { order?: readonly string[] } = {}): Message {
  const who = actorName(request.requester);
  const summary =
    request.state === 'awaiting-approval'
      ? `${who} asks to run ${request.templateTitle} (${request.id}); ${approversName(request)} decides`
      : `${request.templateTitle} (${request.id}) ${HEADLINE[request.state]}`;
  const blocks: Block[] = [
    { type: 'header', text: `Approval: ${request.templateTitle}` },
    {
      type: 'text',
      text: [requesterSpan(request), plain(' asks to run '), strong(request.templateTitle), plain(` (${request.id}).`)],
    },
    { type: 'fields', fields: valueFields(request.values, opts.order) },
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
    blocks.push({ type: 'context', text: [...decisionText(request), plain(` Now ${stateWords(request.state)}.`)] });
  }
  return { summary, blocks };
}

/**
 * `Approved by Ada Lovelace.`, `Rejected by …: reason.` or `Cancelled by ….`: the decision, whatever followed, the
 * person named as `actorName` names them.
 */
export function decisionLine(request: TemplateRequest): string {
  const by = request.decidedBy ? ` by ${actorName(request.decidedBy)}` : '';
  return `${decisionWord(request)}${by}${decisionReason(request)}.`;
}

/** `decisionLine` with the person who decided as a person: a mention where their chat id is known. */
export function decisionText(request: TemplateRequest): RichText {
  const by: RichText = request.decidedBy ? [plain(' by '), actorSpan(request.decidedBy)] : [];
  return [plain(decisionWord(request)), ...by, plain(`${decisionReason(request)}.`)];
}

function decisionWord(request: TemplateRequest): string {
  return request.state === 'rejected' ? 'Rejected' : request.state === 'cancelled' ? 'Cancelled' : 'Approved';
}

function decisionReason(request: TemplateRequest): string {
  return request.reason ? `: ${request.reason}` : '';
}

/** How long one value may be where values are shown (Slack's limit for a field of a section). */
export const VALUE_MAX = 2000;

/**
 * The values a person chose, one field each (JSON for lists and objects), each cut to `VALUE_MAX` characters: the
 * names in `order` first, in that order, then any others in the order they come.
 */
export function valueFields(
  values: Readonly<Record<string, unknown>>,
  order: readonly string[] = [],
): { label: string; value: RichText }[] {
  const rank = (key: string) => {
    const index = order.indexOf(key);
    return index === -1 ? order.length : index;
  };
  const keys = Object.keys(values)
    .map((key, index) => ({ key, index }))
    .sort((a, b) => rank(a.key) - rank(b.key) || a.index - b.index)
    .map(({ key }) => key);
  return keys.map((key) => {
    const value = values[key];
    return {
      label: key,
      value: [plain(truncate(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''), VALUE_MAX))],
    };
  });
}

/**
 * The parameter names of `template` in the order its form asks them: page by page, each page's fields, then the
 * other properties its schema names (those a condition adds).
 */
export function parameterOrder(template: Pick<TemplateDefinition, 'pages'>): string[] {
  const names: string[] = [];
  for (const page of template.pages) {
    const properties = page.schema.properties;
    const more = properties && typeof properties === 'object' ? Object.keys(properties) : [];
    for (const name of [...page.fields.map((field) => field.name), ...more]) {
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}

function requestFields(request: TemplateRequest): { label: string; value: RichText }[] {
  const fields: { label: string; value: RichText }[] = [
    { label: 'State', value: [plain(stateWords(request.state))] },
    { label: 'Requested by', value: [requesterSpan(request)] },
  ];
  const approvers = approversName(request);
  if (approvers) fields.push({ label: 'Approvers', value: [plain(approvers)] });
  if (request.decidedBy) fields.push({ label: 'Decision', value: decisionText(request) });
  return fields;
}

function requesterSpan(request: TemplateRequest): Span {
  return actorSpan(request.requester);
}

/**
 * A person who acted: a mention on their chat platform; elsewhere (the console, the CLI, another platform) their name
 * as `actorName` gives it, the catalog User's display name first (`Ada Lovelace`).
 */
function actorSpan(actor: Actor): Span {
  if (actor.platform === 'console') return plain(actorName(actor));
  return { kind: 'user', name: actorName(actor), ids: { [actor.platform]: actor.id } };
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
