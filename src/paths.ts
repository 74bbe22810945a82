/**
 * Files shipped beside the code (`package.json`, `migrations/`, `demo/`), found from the package root. This module
 * sits one folder below the root both as a source file (`src/paths.ts`) and inside the bundle `bin/wayfinder.js`
 * runs (`node_modules/.cache/wayfinder/cli-*.mjs` is deeper, so the root is found by name, not by depth).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding Wayfinder's `package.json`: the nearest one above this module whose name is `wayfinder`. */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** An absolute path to a file or folder shipped with Wayfinder, e.g. `packagePath('demo', 'catalog')`. */
export function packagePath(...segments: string[]): string {
  return join(PACKAGE_ROOT, ...segments);
}

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    // The bundle lives under node_modules/, whose own folders may hold other package.json files: skip past them.
    if (!dir.split(/[\\/]/).includes('node_modules') && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`Wayfinder's package.json was not found above ${from}.`);
  }
}
