import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';

let demo: DemoCatalog;
const queries: string[] = [];
beforeAll(async () => {
  demo = await openDemoCatalog({ onQuery: (query) => queries.push(query) });
});
afterAll(() => demo?.close());

const ask = async (line: string) => {
  queries.length = 0;
  const message = await runCommandLine(demo.context, line);
  return { message, queries: [...queries] };
};

describe('command text limits', () => {
  it('answers a 10,000-character /find with its length and the limit, before any query', async () => {
    const { message, queries } = await ask(`/find ${'payments '.repeat(1111)}api`);
    expect(message.summary).toBe(
      'That search is 10,002 characters long; /find reads at most 300. Shorten it and ask again.',
    );
    expect(queries).toEqual([]);
  });

  it('holds names to 200 characters in every command, counting an emoji as one', async () => {
    for (const command of ['/owner', '/service', '/deps', '/wayfinder refresh']) {
      const { message, queries } = await ask(`${command} ${'x'.repeat(201)}`);
      expect(message.summary).toBe(
        `That name is 201 characters long; /${command.split(' ')[0]?.slice(1)} reads at most 200. Shorten it and ask again.`,
      );
      expect(queries).toEqual([]);
    }
    const { message } = await ask(`/owner ${'🦊'.repeat(200)}`);
    expect(message.summary).not.toContain('characters long');
  });

  it('refuses text holding a NUL character in every command, before any query', async () => {
    for (const command of ['/owner', '/service', '/deps', '/find', '/wayfinder owner']) {
      const { message, queries } = await ask(`${command} pay\u0000ments`);
      expect(message.summary).toBe(
        'That text holds a NUL character (U+0000), which no name or search can hold. Type it again without it.',
      );
      expect(queries).toEqual([]);
    }
  });

  it('holds /wayfinder <command> to that command’s limit', async () => {
    expect((await ask(`/wayfinder find ${'a'.repeat(250)}`)).message.summary).not.toContain('characters long');
    expect((await ask(`/wayfinder owner ${'a'.repeat(250)}`)).message.summary).toBe(
      'That name is 250 characters long; /owner reads at most 200. Shorten it and ask again.',
    );
  });
});
