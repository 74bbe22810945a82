import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLocalDocs } from '../../src/docs/local-source.ts';

let base: string;
let docs: string;
let outside: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'wayfinder-local-docs-'));
  docs = path.join(base, 'docs');
  outside = path.join(base, 'elsewhere');
  await mkdir(path.join(docs, 'runbooks'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(docs, 'index.md'), '# Home\n\nWelcome.\n');
  await writeFile(path.join(docs, 'runbooks', 'deploy.md'), '# Deploy\n\nRun the deploy workflow.\n');
  await writeFile(path.join(outside, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\n');
  await writeFile(path.join(outside, 'secret.md'), '# Secret\n\nThe vault password is hunter2.\n');
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('readLocalDocs', () => {
  it('refuses symbolic links to a file or a folder outside the folder, with a warning naming each, and reads the rest', async () => {
    await symlink(path.join(outside, 'passwd'), path.join(docs, 'passwd.md'));
    await symlink(outside, path.join(docs, 'runbooks', 'more'));

    const { files, warnings } = await readLocalDocs(docs);

    expect(files.map((file) => file.path)).toEqual(['index.md', 'runbooks/deploy.md']);
    expect(files.map((file) => file.markdown).join('\n')).not.toMatch(/root:x|hunter2/);
    expect(warnings).toEqual([
      `${path.join(docs, 'passwd.md')}: Not read: it is a symbolic link to a file outside the folder read, which must stay inside it.`,
      `${path.join(docs, 'runbooks', 'more')}: Not read: it is a symbolic link to a folder outside the folder read, which must stay inside it.`,
    ]);
  });

  it('refuses an mkdocs.yml whose docs_dir leaves the folder', async () => {
    await writeFile(path.join(docs, 'mkdocs.yml'), 'site_name: X\ndocs_dir: ../elsewhere\n');
    await expect(readLocalDocs(docs)).rejects.toThrow(
      `${path.join(docs, 'mkdocs.yml')}: docs_dir ../elsewhere leaves the folder; expected a folder inside it.`,
    );
  });

  it('reads each real file once when links loop back into the folder or repeat a file, and reports the loop', async () => {
    await symlink(docs, path.join(docs, 'runbooks', 'loop'));
    await symlink(path.join(docs, 'runbooks'), path.join(docs, 'shortcut'));
    await symlink(path.join(docs, 'index.md'), path.join(docs, 'start.md'));

    const { files, warnings } = await readLocalDocs(docs);

    // Each file under the first of its paths in path order; `shortcut/` and `start.md` hold nothing new.
    expect(files.map((file) => file.path)).toEqual(['index.md', 'runbooks/deploy.md']);
    const loop =
      'A symbolic link to a folder that holds it: a loop. It was not followed again (its files are read once).';
    // The loop is met twice: through runbooks/ and through the shortcut to it.
    expect(warnings).toEqual([
      `${path.join(docs, 'runbooks', 'loop')}: ${loop}`,
      `${path.join(docs, 'shortcut', 'loop')}: ${loop}`,
    ]);
  });

  it('reads markdown whatever the case of its extension, and still skips hidden files', async () => {
    await writeFile(path.join(docs, 'Page.MD'), '# Page\n\nUpper-case extension.\n');
    await writeFile(path.join(docs, 'notes.Markdown'), '# Notes\n');
    await writeFile(path.join(docs, '.draft.md'), '# Draft\n');
    await writeFile(path.join(docs, 'notes.txt'), 'not markdown');

    const { files } = await readLocalDocs(docs);

    expect(files.map((file) => file.path)).toEqual(['Page.MD', 'index.md', 'notes.Markdown', 'runbooks/deploy.md']);
  });
});
