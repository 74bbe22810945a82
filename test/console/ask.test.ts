/**
 * `/ask` in the console with a chat model (the fake OpenAI server through the real `openai` client): the answer is
 * written as the model streams it, and the sources after it.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConsole } from '../../src/console/console.ts';
import { type FakeOpenAiApi, startFakeOpenAiApi } from '../fakes/openai-api.ts';
import { type DemoDocs, openDemoDocs } from '../helpers/demo-docs.ts';

let openai: FakeOpenAiApi;
let demo: DemoDocs;
beforeAll(async () => {
  openai = await startFakeOpenAiApi();
  demo = await openDemoDocs({ ai: { url: openai.url, chat: true } });
});
afterAll(async () => {
  await demo?.close();
  await openai?.close();
});

describe('/ask in the console', () => {
  it('writes the answer as the model streams it, then its sources, the answer once', async () => {
    // The model sends three pieces, then nothing until the test lets it go on.
    openai.chatMode({ answer: 'Run the rollback workflow with the previous tag [1].', stallAfter: 3 });
    const input = new PassThrough();
    const output = new PassThrough();
    let seen = '';
    output.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
    });
    const waitFor = async (text: string) => {
      const deadline = Date.now() + 20_000;
      while (!seen.includes(text)) {
        if (Date.now() > deadline) throw new Error(`The console never printed "${text}":\n${seen}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const running = runConsole({ context: demo.context, input, output });
    try {
      input.write('/ask how do I roll back a deploy?\n');
      await waitFor('Run the rollback');
      expect(seen).not.toContain('workflow');
      expect(seen).not.toContain('Sources');
      openai.resume();
      await waitFor('Sources');
      input.end();
      await running;
      expect(seen.match(/Run the rollback workflow with the previous tag \[1\]\./g)).toHaveLength(1);
      expect(seen.indexOf('Run the rollback')).toBeLessThan(seen.indexOf('Sources'));
      expect(seen).toContain('Deploying the Payments API › Roll back a deploy');
    } finally {
      openai.chatMode(undefined);
      openai.resume();
      input.end();
    }
  });
});
