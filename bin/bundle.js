// Builds and caches esbuild bundles of the TypeScript sources (`bin/wayfinder.js` runs the CLI from one; the
// benchmark runs its servers from one, so they are measured as users run them).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'node_modules', '.cache', 'wayfinder');

/**
 * The file URL of a bundle of `entry` (a path relative to the repository root, e.g. `src/cli.ts`) for the sources as
 * they are now, built when missing: `node_modules/.cache/wayfinder/<name>-<hash>.mjs`, where the hash covers every
 * file under `folders` (path, size, modification time). Packages stay imports of node_modules. Source maps are inline,
 * so with `process.setSourceMapsEnabled(true)` stack traces point into the `.ts` files.
 */
export async function bundle(entry, { name, folders = ['src'] }) {
  const file = join(cache, `${name}-${sourcesHash(folders)}.mjs`);
  try {
    statSync(file);
  } catch {
    await build(join(root, entry), name, file);
  }
  return pathToFileURL(file).href;
}

function sourcesHash(folders) {
  const hash = createHash('sha256');
  for (const folder of folders) {
    const dir = join(root, folder);
    for (const path of readdirSync(dir, { recursive: true }).sort()) {
      const stat = statSync(join(dir, path));
      if (stat.isFile()) hash.update(`${folder}/${path}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Writes the bundle beside its final name and moves it into place in one rename, so processes started together never
 * read a half-written bundle. Older bundles of the same name are removed.
 */
async function build(entry, name, file) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    write: false,
    outfile: file,
    logLevel: 'error',
  });
  await esbuild.stop();
  mkdirSync(cache, { recursive: true });
  for (const old of readdirSync(cache)) {
    if (old.startsWith(`${name}-`) && old.endsWith('.mjs')) rmSync(join(cache, old), { force: true });
  }
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, result.outputFiles[0].contents);
  renameSync(partial, file);
}
