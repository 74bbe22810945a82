import { describe, expect, it } from 'vitest';
import { chunkMarkdown, DEFAULT_MAX_CHUNK_CHARS } from '../../src/docs/markdown-chunks.ts';

const RUNBOOK = `# Payments runbook

Intro paragraph.

## Alerts

### High error rate

Check the acquirer.

## Alerts

Second section with the same heading.

\`\`\`sh
# not a heading inside a code block
kubectl rollout undo deploy/payments-api
\`\`\`

| Status | Meaning |
| ------ | ------- |
| 402    | declined |
`;

describe('chunkMarkdown', () => {
  it('cuts on headings and keeps the title and heading path of each chunk', async () => {
    const { title, chunks } = await chunkMarkdown(RUNBOOK, { path: 'runbook.md' });
    expect(title).toBe('Payments runbook');
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      ['Payments runbook'],
      ['Payments runbook', 'Alerts', 'High error rate'],
      ['Payments runbook', 'Alerts'],
    ]);
    expect(chunks[1]?.content).toBe('Check the acquirer.');
  });

  it("gives each section GitHub's anchor, numbering a repeated heading as GitHub does", async () => {
    const { chunks } = await chunkMarkdown(RUNBOOK, { path: 'runbook.md' });
    expect(chunks.map((chunk) => chunk.anchor)).toEqual(['payments-runbook', 'high-error-rate', 'alerts-1']);
  });

  it('reads a # inside a code block as code, and keeps code blocks and tables as written', async () => {
    const { chunks } = await chunkMarkdown(RUNBOOK, { path: 'runbook.md' });
    const last = chunks.at(-1)?.content ?? '';
    expect(last).toContain('```sh\n# not a heading inside a code block\nkubectl rollout undo deploy/payments-api\n```');
    expect(last).toContain('| 402    | declined |');
  });

  it('splits a long section at its blocks with an overlap, keeping a code block that fits whole', async () => {
    const paragraphs = Array.from({ length: 6 }, (_, index) => `Paragraph ${index} ${'word '.repeat(40).trim()}.`);
    const code = `\`\`\`\n${'x = 1\n'.repeat(60)}\`\`\``;
    const markdown = `# Long\n\n${paragraphs.join('\n\n')}\n\n${code}\n`;
    const { chunks } = await chunkMarkdown(markdown, { path: 'long.md', maxChars: 500, overlapChars: 60 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.content.length).toBeLessThanOrEqual(500);
    expect(chunks.filter((chunk) => chunk.content.includes('```'))).toHaveLength(1);
    expect(chunks.find((chunk) => chunk.content.includes('```'))?.content).toContain(code);
    // The second piece starts with the end of the paragraph before it.
    expect(chunks[1]?.content.startsWith('word')).toBe(true);
  });

  it('takes the title from front matter, else the first heading, else the file name', async () => {
    expect((await chunkMarkdown('---\ntitle: Deploy guide\n---\n# Deploying\n\nText.', { path: 'a.md' })).title).toBe(
      'Deploy guide',
    );
    expect((await chunkMarkdown('Just text.', { path: 'guides/setup.md' })).title).toBe('setup');
  });

  it('gives unchanged sections the same hash and a changed one a new hash', async () => {
    const before = (await chunkMarkdown(RUNBOOK, { path: 'r.md' })).chunks.map((chunk) => chunk.contentHash);
    const after = (
      await chunkMarkdown(RUNBOOK.replace('Check the acquirer.', 'Check the acquirer first.'), { path: 'r.md' })
    ).chunks.map((chunk) => chunk.contentHash);
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    expect(after[2]).toBe(before[2]);
  });
});

describe('chunkMarkdown and HTML comments', () => {
  const EDITED = `# Deploys <!-- owner: ask Dana -->

<!--
TODO before publishing: the staging admin password is in the vault at ops/staging-admin.
-->

Deploy with the \`deploy\` workflow.<!-- the old Jenkins job still works, do not tell anyone --> It takes ten minutes.

<div class="note"><!-- hidden note -->Visible note.</div>

\`\`\`html
<!-- a comment inside a code block is code -->
<p>Hi</p>
\`\`\`
`;

  it('leaves HTML comments out of every chunk and heading, keeping the text around them and code as written', async () => {
    const { title, chunks } = await chunkMarkdown(EDITED, { path: 'deploys.md' });
    const everything = JSON.stringify({ title, chunks });
    for (const hidden of ['ask Dana', 'staging-admin', 'Jenkins', 'hidden note', 'TODO']) {
      expect(everything).not.toContain(hidden);
    }
    expect(title).toBe('Deploys');
    expect(chunks[0]?.headingPath).toEqual(['Deploys']);
    expect(chunks[0]?.anchor).toBe('deploys');
    expect(chunks[0]?.content).toContain('Deploy with the `deploy` workflow. It takes ten minutes.');
    expect(chunks[0]?.content).toContain('<div class="note">Visible note.</div>');
    expect(chunks[0]?.content).toContain('<!-- a comment inside a code block is code -->');
  });
});

describe('chunkMarkdown and blocks longer than the bound', () => {
  const contentOf = (chunks: readonly { content: string }[]) => chunks.map((chunk) => chunk.content);

  it('cuts a 50 KB code block between lines into chunks within the bound, each fenced in its language', async () => {
    const lines = Array.from(
      { length: 1_700 },
      (_, index) => `print("line ${index} of the generated settlement table")`,
    );
    const markdown = `# Script\n\nRun this:\n\n\`\`\`python\n${lines.join('\n')}\n\`\`\`\n`;
    expect(markdown.length).toBeGreaterThan(50_000);

    const { chunks } = await chunkMarkdown(markdown, { path: 'script.md' });

    const code = contentOf(chunks).filter((content) => content.includes('```python'));
    expect(code.length).toBeGreaterThan(30);
    for (const content of contentOf(chunks)) expect(content.length).toBeLessThanOrEqual(DEFAULT_MAX_CHUNK_CHARS);
    for (const content of code) expect(content).toMatch(/```python\n[^`]+\n```$/);
    // Every line is quoted once, in order.
    const quoted = code.flatMap((content) =>
      content
        .replace(/^[\s\S]*?```python\n/, '')
        .replace(/\n```$/, '')
        .split('\n'),
    );
    expect(quoted).toEqual(lines);
  });

  it('cuts a long table between rows, each part under the header, and a long line of code between characters', async () => {
    const rows = Array.from({ length: 900 }, (_, index) => `| ${index} | service-${index} | team-${index % 7} |`);
    const table = ['| # | Service | Owner |', '| - | ------- | ----- |', ...rows].join('\n');
    const minified = `\`\`\`js\n${'a=1;'.repeat(13_000)}\n\`\`\``;
    const { chunks } = await chunkMarkdown(`# Services\n\n${table}\n\n${minified}\n`, { path: 'services.md' });

    for (const content of contentOf(chunks)) expect(content.length).toBeLessThanOrEqual(DEFAULT_MAX_CHUNK_CHARS);
    const parts = contentOf(chunks).filter((content) => content.includes('| # | Service | Owner |'));
    for (const part of parts) expect(part.startsWith('| # | Service | Owner |\n| - | ------- | ----- |\n|')).toBe(true);
    expect(parts.flatMap((part) => part.split('\n').slice(2))).toEqual(rows);
    const js = contentOf(chunks).filter((content) => content.startsWith('```js\n'));
    expect(js.map((content) => content.slice(6, -4)).join('')).toBe('a=1;'.repeat(13_000));
  });

  it('cuts a 52 KB paragraph between sentences, and a sentence with no end between words, keeping every word', async () => {
    const sentences = Array.from(
      { length: 600 },
      (_, index) => `Settlement step ${index} reconciles the ledger batch.`,
    );
    const endless = Array.from({ length: 1_500 }, (_, index) => `word${index}`).join(' ');
    const markdown = `# Policy\n\n${sentences.join(' ')} ${endless}\n`;
    expect(markdown.length).toBeGreaterThan(40_000);

    const { chunks } = await chunkMarkdown(markdown, { path: 'policy.md' });

    for (const content of contentOf(chunks)) expect(content.length).toBeLessThanOrEqual(DEFAULT_MAX_CHUNK_CHARS);
    const text = contentOf(chunks).join(' ');
    for (const sentence of sentences) expect(text).toContain(sentence);
    expect(text).toContain('word0 word1');
    expect(text).toContain('word1498 word1499');
    expect(chunks.length).toBeGreaterThan(30);
  });
});
