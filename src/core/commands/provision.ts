/**
 * `/provision [template]`: fill in a template's parameter pages as a form, review the values and the dry run, and
 * submit a request, which runs once approved (`src/requests/`). Also the verbs the request messages' buttons run:
 * `/provision approve|reject|retry|cancel|status <request id>`; who may is decided by the request desk from the
 * catalog, never from the text.
 *
 * Opening must fit in Slack's 3-second trigger window: `/provision` alone answers its first form without a query (the
 * template is picked in a lookup, searched as the person types), and `/provision <template>` costs one template
 * lookup and one insert (the wizard). Between pages the wizard lives in the database (`WizardSession`); the form
 * carries only its id and page.
 */
import { teamName } from '../catalog/facts.ts';
import { ownershipRefsOf } from '../catalog/ownership-refs.ts';
import { InputError } from '../errors.ts';
import type { WizardSession } from '../ports/request-store.ts';
import type { CatalogPicker, ParameterPage, StepPlan, TemplateDefinition } from '../ports/template-engine.ts';
import { parameterOrder, requestStatusMessage, valueFields } from '../requests/messages.ts';
import { pageFields, pageValues, pickerOf } from '../requests/parameter-form.ts';
import type { Actor } from '../requests/types.ts';
import type { Answer, Form, Message, RichText, Span } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import type { CommandContext, CommandDefinition, FormSubmission, ProvisionServices, SubmitOutcome } from './types.ts';

const REQUEST_ID = /^req-[a-z0-9]{4,32}$/;
const VERBS = ['approve', 'reject', 'retry', 'cancel', 'status'] as const;
type Verb = (typeof VERBS)[number];

export const provisionCommand: CommandDefinition = {
  name: 'provision',
  description: 'Request infrastructure from a template: a form, an approval when the template asks, then the run.',
  usage: '[template] | approve|reject|retry|cancel|status <request id>',
  example: '/provision new-service',

  async run(context, args) {
    const services = servicesOf(context);
    const words = args.trim().split(/\s+/).filter(Boolean);
    const [first = '', second = ''] = words;
    // A template name has no spaces, so `<verb> <anything>` is always about a request: an id that names none is
    // answered as an unknown request, never as an unknown template.
    if (words.length === 2 && (VERBS as readonly string[]).includes(first.toLowerCase())) {
      return runVerb(context, services, first.toLowerCase() as Verb, second);
    }
    if (words.length === 0) return { kind: 'form', command: 'provision', form: templateForm() };
    const template = await services.templates.get(args.trim());
    if (!template) return unknownTemplate(services, args.trim());
    return startWizard(context, services, template);
  },

  async formOf(context, { formId, state }) {
    const services = servicesOf(context);
    if (formId === 'template') return templateForm();
    if (formId === 'reject' && state && REQUEST_ID.test(state)) return rejectForm(state);
    const found = state ? await wizardOf(context, services, state) : undefined;
    if (!found) return undefined;
    if (formId === 'page' && found.page !== undefined) return pageForm(services, found, found.page);
    if (formId === 'review') return { id: 'review', title: found.template.title, submitLabel: 'Request', fields: [] };
    return undefined;
  },

  async submit(context, submission) {
    const services = servicesOf(context);
    if (submission.formId === 'template') {
      const ref = String(submission.values.template ?? '');
      const template = await services.templates.get(ref);
      if (!template)
        return { kind: 'invalid', errors: { template: `There is no template ${ref}; pick one of the list.` } };
      return startWizard(context, services, template);
    }
    if (submission.formId === 'reject' && submission.state) {
      const reason = String(submission.values.reason ?? '').trim();
      const request = await services.requests.decide({
        id: submission.state,
        actor: await actorOf(context),
        approve: false,
        reason,
      });
      return confirmation(`You rejected ${request.id} (${request.templateTitle}). ${requesterNote}`);
    }
    const found = submission.state ? await wizardOf(context, services, submission.state) : undefined;
    if (!found) return expired();
    if (submission.formId === 'page' && found.page !== undefined)
      return submitPage(context, services, found, submission);
    if (submission.formId === 'review') return submitReview(context, services, found);
    return expired();
  },

  async optionsOf(context, { formId, state, fieldId, query }) {
    const services = servicesOf(context);
    if (formId === 'template' && fieldId === 'template') {
      const needle = query.trim().toLowerCase();
      const templates = await services.templates.list();
      return templates
        .filter((template) =>
          [template.name, template.title, template.description ?? '', ...template.tags].some((text) =>
            text.toLowerCase().includes(needle),
          ),
        )
        .map((template) => ({ label: `${template.recommended ? '★ ' : ''}${template.title}`, value: template.ref }));
    }
    const found = formId === 'page' && state ? await wizardOf(context, services, state) : undefined;
    if (found?.page === undefined) return undefined;
    const fields = await services.templates.fields(found.template.ref, found.page, found.wizard.values);
    const search = pickerOf(fields, fieldId);
    if (!search) return undefined;
    return catalogOptions(context, search, query);
  },
};

/** The services, or the answer that `/provision` is not set up here. */
function servicesOf(context: CommandContext): ProvisionServices {
  if (!context.provision) {
    throw new InputError(
      'Templates are not set up in this Wayfinder: /provision needs the template engine and the database.',
    );
  }
  return context.provision;
}

/** Who is asking, as the request desk records them: their account and, when known, their catalog User. */
export async function actorOf(context: CommandContext): Promise<Actor> {
  const viewer = await context.viewer();
  const asker = context.asker ?? { platform: 'console' as const, id: 'local' };
  return { platform: asker.platform, id: asker.id, ...(viewer.userRef ? { userRef: viewer.userRef } : {}) };
}

async function runVerb(context: CommandContext, services: ProvisionServices, verb: Verb, id: string): Promise<Answer> {
  const requests = services.requests;
  if (verb === 'status') return requestStatusMessage(await requests.get({ id }));
  if (verb === 'reject') {
    await requests.get({ id });
    return { kind: 'form', command: 'provision', form: rejectForm(id) };
  }
  const actor = await actorOf(context);
  if (verb === 'approve') {
    const request = await requests.decide({ id, actor, approve: true });
    return confirmation(`You approved ${request.id} (${request.templateTitle}); it runs now. ${requesterNote}`);
  }
  if (verb === 'retry') {
    const request = await requests.retry({ id, actor });
    return confirmation(`${request.id} (${request.templateTitle}) runs again from its first unfinished step.`);
  }
  const request = await requests.cancel({ id, actor });
  return confirmation(`You cancelled ${request.id} (${request.templateTitle}).`);
}

const requesterNote = 'The requester is told in their direct message.';

function confirmation(text: string): Message {
  return { summary: text, blocks: [{ type: 'text', text: [plain(text)] }] };
}

function expired(): Message {
  return confirmation('This form has expired or is not yours. Start again with /provision.');
}

function templateForm(): Form {
  return {
    id: 'template',
    title: 'Provision',
    submitLabel: 'Next',
    intro: [plain('Pick a template. Golden paths (★) come first.')],
    fields: [
      {
        type: 'lookup',
        id: 'template',
        label: 'Template',
        required: true,
        placeholder: 'Type to search the templates',
      },
    ],
  };
}

function rejectForm(id: string): Form {
  return {
    id: 'reject',
    title: 'Reject request',
    submitLabel: 'Reject',
    state: id,
    intro: [plain('Rejecting '), code(id), plain('. The requester sees your reason.')],
    fields: [{ type: 'text', id: 'reason', label: 'Reason', required: true, multiline: true }],
  };
}

async function unknownTemplate(services: ProvisionServices, name: string): Promise<Message> {
  const templates = await services.templates.list();
  const summary = `There is no template ${name}. Templates: ${templates.map((template) => template.name).join(', ') || 'none'}.`;
  return {
    summary,
    outcome: 'not-found',
    blocks: [
      { type: 'text', text: [plain('There is no template '), strong(name), plain('.')] },
      {
        type: 'list',
        title: 'Templates',
        items: templates.map((template) => ({
          text: [strong(`${template.recommended ? '★ ' : ''}${template.title}`), plain(' '), code(template.name)],
          ...(template.description ? { detail: [plain(template.description)] } : {}),
        })),
        moreCommand: '/provision',
      },
      {
        type: 'actions',
        buttons: templates.slice(0, 5).map((template) => ({
          label: template.title,
          action: 'run' as const,
          command: `/provision ${template.name}`,
        })),
      },
    ],
  };
}

function ownerOf(context: CommandContext): string {
  const asker = context.asker ?? { platform: 'console', id: 'local' };
  return `${asker.platform}:${asker.id}`;
}

async function startWizard(
  context: CommandContext,
  services: ProvisionServices,
  template: TemplateDefinition,
): Promise<Answer> {
  const wizard = await services.wizards.createWizard({
    owner: ownerOf(context),
    templateRef: template.ref,
    page: 0,
    values: {},
  });
  return nextForm(context, services, template, wizard, 0);
}

interface FoundWizard {
  wizard: WizardSession;
  template: TemplateDefinition;
  /** The page the form's state names; undefined for the review. */
  page?: number;
}

/** The wizard a form's state (`<wizard id>` or `<wizard id>/<page>`) names, when it is the asker's. */
async function wizardOf(
  context: CommandContext,
  services: ProvisionServices,
  state: string,
): Promise<FoundWizard | undefined> {
  const [id = '', pageText] = state.split('/');
  const wizard = await services.wizards.getWizard({ id });
  if (!wizard || wizard.owner !== ownerOf(context)) return undefined;
  const template = await services.templates.get(wizard.templateRef);
  if (!template) return undefined;
  const page = pageText === undefined ? undefined : Number(pageText);
  if (page !== undefined && !(Number.isInteger(page) && page >= 0 && page < template.pages.length)) return undefined;
  return { wizard, template, ...(page !== undefined ? { page } : {}) };
}

async function pageForm(
  services: ProvisionServices,
  found: { template: TemplateDefinition; wizard: WizardSession },
  page: number,
): Promise<Form> {
  const { template, wizard } = found;
  const parameters = template.pages[page] as ParameterPage;
  const intro: RichText = [
    strong(parameters.title ?? template.title),
    plain(` (page ${page + 1} of ${template.pages.length})`),
    ...(parameters.description ? [plain(`\n${parameters.description}`)] : []),
  ];
  const fields = await services.templates.fields(template.ref, page, wizard.values);
  return {
    id: 'page',
    title: template.title,
    submitLabel: 'Next',
    state: `${wizard.id}/${page}`,
    intro,
    fields: pageFields(fields, wizard.values),
  };
}

async function submitPage(
  context: CommandContext,
  services: ProvisionServices,
  found: FoundWizard,
  submission: FormSubmission,
): Promise<SubmitOutcome> {
  const page = found.page ?? 0;
  const fields = await services.templates.fields(found.template.ref, page, found.wizard.values);
  const values = pageValues(fields, submission.values);
  // A value cleared on this page must not survive from an earlier visit: the page's own fields are replaced whole.
  const merged = {
    ...withoutKeys(
      found.wizard.values,
      fields.map((field) => field.name),
    ),
    ...values,
  };
  const { userRef } = await context.viewer();
  const errors = await services.templates.checkParameters(found.template.ref, page, merged, {
    ...(userRef ? { ref: userRef } : {}),
  });
  if (Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  await services.wizards.saveWizard({ id: found.wizard.id, page: page + 1, values: merged });
  return nextForm(context, services, found.template, { ...found.wizard, values: merged }, page + 1);
}

async function nextForm(
  context: CommandContext,
  services: ProvisionServices,
  template: TemplateDefinition,
  wizard: WizardSession,
  page: number,
): Promise<Answer> {
  if (page < template.pages.length) {
    return { kind: 'form', command: 'provision', form: await pageForm(services, { template, wizard }, page) };
  }
  const review = await reviewOf(context, services, template, wizard);
  return { kind: 'form', command: 'provision', form: reviewForm(template, wizard, review) };
}

/** Scaffolder actions that write to GitHub or read from it: they cannot run where no GitHub is configured. */
const GITHUB_ACTIONS = new Set([
  'publish:github',
  'publish:github:pull-request',
  'github:actions:dispatch',
  'catalog:register',
]);

interface Review {
  plan: readonly StepPlan[];
  /**
   * Who must approve, when the values need an approval: the approver group's display name (`teamName`), or its ref
   * when the catalog has no such group.
   */
  approvers?: string;
  /** Why this request cannot run here (its GitHub steps, with no GitHub configured), when it cannot. */
  blocked?: string;
}

/** The dry run of the wizard's values, whether they need an approval, and whether they can run here at all. */
async function reviewOf(
  context: CommandContext,
  services: ProvisionServices,
  template: TemplateDefinition,
  wizard: WizardSession,
): Promise<Review> {
  const actor = await actorOf(context);
  const state = {
    requestId: 'preview',
    user: actor.userRef ? { ref: actor.userRef } : {},
    values: wizard.values,
    outputs: {},
  };
  const plan = await services.templates.plan(template.ref, state);
  const approval = template.approval;
  const needsApproval = approval !== undefined && (await services.templates.needsApproval(template.ref, state));
  const group = approval && needsApproval ? await context.store.getEntity({ ref: approval.approvers }) : undefined;
  const needsGitHub = plan.some((step) => step.runs && GITHUB_ACTIONS.has(step.action));
  return {
    plan,
    ...(approval && needsApproval ? { approvers: group ? teamName(group) : approval.approvers } : {}),
    ...(needsGitHub && services.unavailable ? { blocked: services.unavailable } : {}),
  };
}

/**
 * The review: the values (each cut to `VALUE_MAX`, so that a long one cannot push the rest out of a surface's
 * limits), the dry run's plan, and whether it needs an approval or cannot run here. One line per item, so that a
 * surface may split it between lines.
 */
function reviewForm(template: TemplateDefinition, wizard: WizardSession, review: Review): Form {
  const { plan, approvers, blocked } = review;
  const intro: Span[] = [strong('Review')];
  for (const field of valueFields(wizard.values, parameterOrder(template))) {
    const value = field.value.map((span) => ('text' in span ? span.text : '')).join('');
    intro.push(plain(`\n• ${field.label}: ${value}`));
  }
  intro.push(plain('\n\n'), strong('Plan (dry run)'));
  for (const step of plan) {
    intro.push(plain(`\n${step.runs ? '▸' : '–'} ${step.name} (${step.action})${step.runs ? '' : ': skipped'}`));
    for (const file of step.files ?? []) intro.push(plain(`\n    ${file}`));
    if (step.problem) intro.push(plain(`\n    ✕ ${step.problem}`));
  }
  if (approvers) intro.push(plain(`\n\nNeeds an approval from ${approvers}.`));
  if (blocked) intro.push(plain(`\n\n${blocked}`));
  return {
    id: 'review',
    title: template.title,
    submitLabel: blocked ? 'Close' : 'Request',
    state: wizard.id,
    intro,
    fields: [],
  };
}

async function submitReview(
  context: CommandContext,
  services: ProvisionServices,
  found: FoundWizard,
): Promise<SubmitOutcome> {
  const { blocked } = await reviewOf(context, services, found.template, found.wizard);
  if (blocked) return confirmation(blocked);
  const request = await services.requests.submit({
    templateRef: found.template.ref,
    values: found.wizard.values,
    requester: await actorOf(context),
  });
  // Surfaces with a status message (Slack's DM) need nothing more; the others show the request as it stands.
  if (context.platform) return { kind: 'close' };
  return requestStatusMessage(request);
}

function withoutKeys(values: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([key]) => !keys.includes(key)));
}

/**
 * Catalog entities for a picker, best match for `query` first, at most 100: those its filter keeps (`catalogFilter`,
 * every key, as Backstage's EntityPicker asks the catalog) and, for an OwnedEntityPicker, owned by the asker or one
 * of their groups (none when Wayfinder does not know who the asker is in the catalog). The Slack external select and
 * the console's search both answer from here.
 */
async function catalogOptions(
  context: CommandContext,
  picker: CatalogPicker,
  query: string,
): Promise<{ label: string; value: string }[]> {
  let ownerRefs: string[] | undefined;
  if (picker.ownedByUser) {
    const { userRef } = await context.viewer();
    if (!userRef) return [];
    ownerRefs = await ownershipRefsOf(context.store, userRef);
  }
  const { hits } = await context.store.search({
    text: query.trim(),
    limit: 100,
    ...(picker.filter.length > 0 ? { filter: picker.filter } : {}),
    ...(ownerRefs ? { ownerRefs } : {}),
  });
  return hits.map(({ entity }) => ({
    label: `${entity.envelope.metadata.title ?? entity.name} (${entity.ref})`,
    value: entity.ref,
  }));
}
