// Builds and caches esbuild bundles of the TypeScript sources (`bin/wayfinder.js` runs the CLI from one; the
// benchmark runs its servers from one, so they are measured as users run them).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cache = join(root, 'node_modules', '.cache', 'wayfinder');

/**
 * The file URL of a bundle of `entry` (a path relative to the repository root, e.g. `src/cli.ts`) for the sources as
 * they are now, built when missing: `node_modules/.cache/wayfinder/<name>-<hash>/<entry>.mjs`, where the hash covers
 * every file under `folders` (path, size, modification time). Packages stay imports of node_modules. Code the entry
 * reaches only through `await import()` is split into chunks beside it (esbuild's `splitting`), so a command loads
 * only the packages it uses: `catalog import` never loads Bolt, octokit or the chart renderer. Source maps are inline,
 * so with `process.setSourceMapsEnabled(true)` stack traces point into the `.ts` files.
 */
export async function bundle(entry, { name, folders = ['src'] }) {
  const dir = join(cache, `${name}-${sourcesHash(folders)}`);
  const file = join(dir, `${basename(entry, extname(entry))}.mjs`);
  try {
    // Marks the bundle used (removeStaleBundles keeps it a day from now).
    utimesSync(dir, new Date(), new Date());
    statSync(file);
  } catch {
    await build(join(root, entry), name, dir);
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
 * Writes the bundle's files into a folder beside its final name and moves the folder into place in one rename, so
 * processes started together never read a half-written bundle (the one that loses the race removes its copy).
 */
async function build(entry, name, dir) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    splitting: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    write: false,
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  await esbuild.stop();
  mkdirSync(cache, { recursive: true });
  const partial = `${dir}.${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial);
  for (const output of result.outputFiles) writeFileSync(join(partial, relative(dir, output.path)), output.contents);
  removeStaleBundles(name, dir);
  try {
    renameSync(partial, dir);
  } catch {
    // Another process put the same bundle in place first.
    rmSync(partial, { recursive: true, force: true });
  }
}

/**
 * A running server may still import chunks of the bundle it started from (a command's code loads when first used), so a
 * bundle is kept a day after the last process started from it.
 */
const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Removes the bundles of `name` other than `dir` unused for a day, and any a crashed build left half-written. */
function removeStaleBundles(name, dir) {
  for (const entry of readdirSync(cache)) {
    const path = join(cache, entry);
    if (!entry.startsWith(`${name}-`) || path === dir) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_AFTER_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another process meanwhile.
    }
  }
}
