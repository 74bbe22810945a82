import { describe, expect, it } from 'vitest';
import { parseFormValues } from '../../src/core/forms.ts';
import type { Form } from '../../src/core/view-model.ts';

const form: Form = {
  id: 'bucket',
  title: 'Bucket',
  submitLabel: 'Request',
  fields: [
    { type: 'text', id: 'name', label: 'Name', required: true },
    { type: 'number', id: 'size', label: 'Size', required: false, min: 1, max: 500 },
    {
      type: 'select',
      id: 'region',
      label: 'Region',
      required: true,
      options: [{ label: 'Dublin', value: 'eu-west-1' }],
    },
    {
      type: 'multi-select',
      id: 'tags',
      label: 'Tags',
      required: false,
      options: [
        { label: 'A', value: 'a' },
        { label: 'B', value: 'b' },
      ],
    },
    { type: 'checkbox', id: 'public', label: 'Public' },
    { type: 'user', id: 'approver', label: 'Approver', required: false },
  ],
};

describe('parseFormValues', () => {
  it('returns typed values: trimmed text, numbers, options, booleans and platform ids', () => {
    expect(
      parseFormValues(form, {
        name: ' archive ',
        size: '20',
        region: 'eu-west-1',
        tags: ['b'],
        public: true,
        approver: { slack: 'U0ADA' },
        extra: 'ignored',
      }),
    ).toEqual({
      ok: true,
      values: {
        name: 'archive',
        size: 20,
        region: 'eu-west-1',
        tags: ['b'],
        public: true,
        approver: { slack: 'U0ADA' },
      },
    });
  });

  it('leaves out empty optional fields and counts an unticked checkbox as false', () => {
    expect(parseFormValues(form, { name: 'x', region: 'eu-west-1', size: '', tags: [] })).toEqual({
      ok: true,
      values: { name: 'x', region: 'eu-west-1', public: false },
    });
  });

  it('names every field that is missing or wrong, and what was expected', () => {
    expect(
      parseFormValues(form, { name: '   ', size: 'lots', region: 'mars', tags: ['c'], approver: 'U0ADA' }),
    ).toEqual({
      ok: false,
      errors: {
        name: 'Name is required.',
        size: 'Size: expected a number.',
        region: 'Region: expected one of the options offered.',
        tags: 'Tags: expected only the options offered.',
        approver: expect.stringMatching(/^Approver: /),
      },
    });
    expect(parseFormValues(form, { name: 'x', region: 'eu-west-1', size: '0' })).toEqual({
      ok: false,
      errors: { size: 'Size: expected at least 1.' },
    });
  });
});
