import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerCommandLine, runCommandLine } from '../../src/core/commands/index.ts';
import type { Message } from '../../src/core/view-model.ts';
import { plainText } from '../../src/core/view-model.ts';
import { addDoc, type DemoDocs, openDemoDocs } from '../helpers/demo-docs.ts';

let demo: DemoDocs;
beforeAll(async () => {
  demo = await openDemoDocs();
});
afterAll(() => demo?.close());

const ask = (line: string) => runCommandLine(demo.context, line);

/** Everything a person reads in the message, links with their address. */
function readable(message: Message): string {
  return message.blocks
    .flatMap((block) => {
      const spans =
        block.type === 'text' || block.type === 'context'
          ? [block.text]
          : block.type === 'list'
            ? block.items.flatMap((item) => [item.text, item.detail ?? []])
            : block.type === 'header'
              ? [[{ kind: 'text' as const, text: block.text }]]
              : [];
      return spans.map((rich) =>
        rich.map((span) => (span.kind === 'link' ? `${span.text} <${span.url}>` : plainText([span]))).join(''),
      );
    })
    .join('\n');
}

function links(message: Message): string[] {
  return message.blocks.flatMap((block) =>
    block.type === 'list'
      ? block.items.flatMap((item) => item.text.flatMap((span) => (span.kind === 'link' ? [span.url] : [])))
      : [],
  );
}

describe('/ask without a model', () => {
  it('answers at once with a placeholder and the passages later', async () => {
    const answer = await answerCommandLine(demo.context, '/ask how do I roll back a deploy?');
    expect(answer).toMatchObject({
      kind: 'deferred',
      placeholder: { summary: 'Searching the docs for "how do I roll back a deploy?"…' },
    });
  });

  it('quotes the best passages, each linked to its page and section', async () => {
    const message = await ask('/ask how do I roll back a deploy?');
    expect(links(message)[0]).toBe(
      'https://github.com/acme/payments-api/blob/main/docs/runbooks/deploy.md#roll-back-a-deploy',
    );
    expect(readable(message)).toContain('To roll back, run the `rollback` workflow with the previous release tag.');
    expect(message.outcome).toBeUndefined();
  });

  it("says the docs don't cover a question, and names the nearest service's owner and channel", async () => {
    const message = await ask('/ask what GPU does the fraud detector train on?');
    const text = readable(message);
    expect(text).toContain("The docs don't cover this.");
    expect(text).toContain('The nearest service is Fraud Detector, owned by Payments');
    expect(text).toContain('ask in payments-team');
    expect(message.outcome).toBe('not-found');
  });

  it('names the owner of the --entity asked about when its docs do not cover the question', async () => {
    const message = await ask('/ask what GPU does the fraud detector train on? --entity payments-api');
    const text = readable(message);
    expect(text).toContain("The docs don't cover this.");
    expect(text).toMatch(/Payments API is owned by Payments Team: ask in payments-team\./);
    expect(text).not.toContain('Fraud Detector');
    expect(message.outcome).toBe('not-found');
  });

  it('names the --team asked about, and its channel, when its docs do not cover the question', async () => {
    const message = await ask('/ask what GPU does the fraud detector train on? --team identity');
    const text = readable(message);
    expect(text).toContain("The docs don't cover this.");
    expect(text).toMatch(/^Ask Identity in /m);
    expect(text).not.toContain('Fraud Detector');
  });

  it("names the team whose own docs came nearest when no service is near (a team's onboarding pages)", async () => {
    // "laptop" is only in Engineering's onboarding pages; no service is called anything in the question.
    const message = await ask('/ask what colour is the unicorn laptop sticker?');
    const text = readable(message);
    expect(text).toContain("The docs don't cover this.");
    expect(text).toContain("The nearest docs are Engineering's");
    expect(message.summary).toBe("The docs don't cover this. Ask Engineering.");
  });

  it('says nothing is near, and how to look, when the question shares no word with the catalog or the docs', async () => {
    const message = await ask('/ask what is the vacation policy?');
    const text = readable(message);
    expect(text).toContain("The docs don't cover this.");
    expect(text).toContain(
      'Nothing in the catalog or the docs is near this question: look for the service with /find, or ask again with --team <name>.',
    );
  });

  it('does not take a question as covered on a generic word alone', async () => {
    const message = await ask('/ask what is the vacation policy?');
    expect(readable(message)).toContain("The docs don't cover this.");
    expect(message.outcome).toBe('not-found');
  });

  it('narrows to one entity', async () => {
    const everywhere = links(await ask('/ask database failover'));
    expect(everywhere.some((url) => url.includes('acme/payments-api'))).toBe(true);
    const ledgerOnly = links(await ask('/ask database failover --entity ledger-service'));
    expect(ledgerOnly.length).toBeGreaterThan(0);
    expect(ledgerOnly.every((url) => url.includes('acme/ledger/'))).toBe(true);
  });

  it('narrows to what a team owns', async () => {
    const found = links(await ask('/ask rotate signing keys tokens --team identity'));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((url) => url.includes('acme/identity/'))).toBe(true);
  });

  it("includes a team's own docs with --team, beside those of what it owns", async () => {
    const found = links(await ask('/ask what happens on day one of the first week --team engineering'));
    expect(found[0]).toMatch(/^https:\/\/github\.com\/acme\/handbook\/blob\/main\/onboarding\/first-week\.md#day-one$/);
  });

  it('asks for the value of a bare --team or --entity with an example name, not a number', async () => {
    expect((await ask('/ask how do I deploy --team')).summary).toBe(
      '--team needs a value: a team or person from the catalog, as in --team payments.',
    );
    expect((await ask('/ask how do I deploy --entity')).summary).toBe(
      '--entity needs a value: an entity from the catalog, as in --entity payments-api.',
    );
  });

  it('refuses --entity and --team together, saying what each would search', async () => {
    const message = await ask('/ask how do I deploy --entity payments-api --team identity');
    expect(message.summary).toBe(
      "--entity and --team each choose the docs searched; give one: --entity payments-api for that entity's docs, or --team identity for the team's own docs and those of what it owns.",
    );
    expect(message.outcome).toBe('invalid');
  });

  it('answers an unknown --entity with the closest names, keeping the question', async () => {
    const message = await ask('/ask failover --entity ledgr-service');
    expect(readable(message)).toMatch(/No entity named/);
    const buttons = message.blocks.flatMap((block) =>
      block.type === 'actions' ? block.buttons.map((button) => button.command) : [],
    );
    expect(buttons).toContain('/ask failover --entity ledger-service');
  });

  it('never repeats a secret-looking string a document holds', async () => {
    await addDoc(demo, {
      key: 'test:secrets',
      path: 'settlement.md',
      markdown:
        '# Settlement batch\n\nThe settlement batch uploads to the acquirer SFTP with token xoxb-4242424242-settlementsecret and password: "S3ttle-me-now".\n',
    });
    const text = readable(await ask('/ask how does the settlement batch upload to the acquirer?'));
    expect(text).toContain('Settlement batch');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain('xoxb-4242424242');
    expect(text).not.toContain('S3ttle-me-now');
  });

  it('names the file of a passage whose source has no address', async () => {
    await addDoc(demo, {
      key: 'test:no-address',
      path: 'runbooks/chargebacks.md',
      markdown: '# Chargebacks\n\n## Dispute a chargeback\n\nOpen a dispute in the acquirer portal within 7 days.\n',
    });
    const text = readable(await ask('/ask how do I dispute a chargeback?'));
    expect(text).toContain('Chargebacks › Dispute a chargeback (runbooks/chargebacks.md)');
  });

  it('says so when the docs are not set up', async () => {
    const { docs: _none, ...withoutDocs } = demo.context;
    const message = await runCommandLine(withoutDocs, '/ask anything');
    expect(message.summary).toMatch(/The docs are not set up on this Wayfinder/);
  });

  it('asks for a question when given none', async () => {
    expect(readable(await ask('/ask'))).toMatch(/\/ask <question>/);
  });
});
