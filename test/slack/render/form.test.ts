import { describe, expect, it } from 'vitest';
import type { Form } from '../../../src/core/view-model.ts';
import { parseFormMetadata, renderSlackModal, SLACK_MODAL_LIMITS } from '../../../src/slack/render/form.ts';

const everyField: Form = {
  id: 'service',
  title: 'Create a new service from a template',
  submitLabel: 'Create the service and its repository',
  intro: [
    { kind: 'text', text: 'Fill in the details; ' },
    { kind: 'strong', text: 'Platform' },
    { kind: 'text', text: ' approves it.' },
  ],
  state: '{"template":"node-service"}',
  fields: [
    { type: 'text', id: 'name', label: 'Name', required: true, placeholder: 'payments-api', initial: 'new-service' },
    { type: 'text', id: 'description', label: 'Description', required: false, multiline: true },
    { type: 'number', id: 'replicas', label: 'Replicas', required: true, min: 1, max: 10, initial: 2 },
    {
      type: 'select',
      id: 'lifecycle',
      label: 'Lifecycle',
      required: true,
      options: [
        { label: 'Experimental', value: 'experimental' },
        { label: 'Production', value: 'production' },
      ],
      initial: ['production'],
    },
    {
      type: 'multi-select',
      id: 'tags',
      label: 'Tags',
      required: false,
      options: [
        { label: 'Go', value: 'go' },
        { label: 'TypeScript', value: 'typescript' },
      ],
      initial: ['typescript'],
    },
    { type: 'checkbox', id: 'public', label: 'Public repository', initial: true },
    { type: 'user', id: 'owner', label: 'Owner', required: true },
    { type: 'channel', id: 'channel', label: 'Announce in', required: false },
  ],
};

describe('renderSlackModal', () => {
  it('renders every field type as a Slack input, keyed by field id', () => {
    expect(renderSlackModal(everyField, { command: 'provision', channelId: 'C0GENERAL' })).toMatchSnapshot();
  });

  it("keeps the title and buttons within Slack's 24 characters", () => {
    const view = renderSlackModal(everyField, { command: 'provision' });
    expect(view.title.text).toHaveLength(SLACK_MODAL_LIMITS.title);
    expect(view.title.text.endsWith('…')).toBe(true);
    expect(view.submit?.text.length).toBeLessThanOrEqual(SLACK_MODAL_LIMITS.submit);
  });

  it('cuts long labels and option texts instead of letting Slack refuse the modal', () => {
    const view = renderSlackModal(
      {
        id: 'long',
        title: 'Long',
        submitLabel: 'Go',
        fields: [
          {
            type: 'select',
            id: 'pick',
            label: 'L'.repeat(3000),
            required: true,
            options: [{ label: 'O'.repeat(200), value: 'o' }],
          },
        ],
      },
      { command: 'provision' },
    );
    const input = view.blocks[0] as { label: { text: string }; element: { options: { text: { text: string } }[] } };
    expect(input.label.text).toHaveLength(SLACK_MODAL_LIMITS.label);
    expect(input.element.options[0]?.text.text).toHaveLength(SLACK_MODAL_LIMITS.optionText);
  });

  it('refuses what it cannot cut without changing the answer: option values, field ids, too much state', () => {
    const form = (fields: Form['fields'], state?: string): Form => ({
      id: 'bad',
      title: 'Bad',
      submitLabel: 'Go',
      fields,
      ...(state ? { state } : {}),
    });
    expect(() =>
      renderSlackModal(
        form([
          { type: 'select', id: 's', label: 'S', required: true, options: [{ label: 'x', value: 'v'.repeat(151) }] },
        ]),
        { command: 'provision' },
      ),
    ).toThrow(/option of field s has a value of 151 characters; Slack takes 1 to 150/);
    expect(() =>
      renderSlackModal(form([{ type: 'text', id: 'i'.repeat(256), label: 'I', required: true }]), {
        command: 'provision',
      }),
    ).toThrow(/must be 1 to 255 characters/);
    expect(() => renderSlackModal(form([], 's'.repeat(3000)), { command: 'provision' })).toThrow(/private_metadata/);
  });

  it('reads back the command, form, state and channel it wrote, and nothing else', () => {
    const view = renderSlackModal(everyField, { command: 'provision', channelId: 'C0GENERAL' });
    expect(parseFormMetadata(view.private_metadata)).toEqual({
      c: 'provision',
      f: 'service',
      s: '{"template":"node-service"}',
      ch: 'C0GENERAL',
    });
    expect(parseFormMetadata('{"c":1}')).toBeUndefined();
    expect(parseFormMetadata('not json')).toBeUndefined();
    expect(parseFormMetadata(undefined)).toBeUndefined();
  });
});
