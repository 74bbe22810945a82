/**
 * Where fetch actions write a request's files and publish actions read them: Backstage's per-task workspace. A
 * `DiskWorkspace` is a directory per request (`<root>/<requestId>`); the dry run uses a `MemoryWorkspace`. Paths are
 * relative, `/`-separated, and may not leave the workspace.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../core/errors.ts';

export interface WorkspaceFile {
  path: string;
  content: Buffer;
}

export interface Workspace {
  write(file: WorkspaceFile): Promise<void>;
  /** Every file, sorted by path; under `dir` only (paths relative to it) when given. */
  files(dir?: string): Promise<WorkspaceFile[]>;
  /** Whether step `stepId` left its files here (a workspace lost in a crash or on another replica has none). */
  hasStep(stepId: string): Promise<boolean>;
  markStep(stepId: string): Promise<void>;
}

/**
 * `targetPath` joined to `file` as a clean relative path; throws InputError when the result would leave the
 * workspace (`../x`, an absolute path).
 */
export function workspacePath(...parts: string[]): string {
  const joined = path.posix.normalize(parts.filter((part) => part !== '').join('/'));
  const clean = joined === '.' ? '' : joined.replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (clean.startsWith('../') || clean === '..' || path.posix.isAbsolute(clean)) {
    throw new InputError(
      `Path ${JSON.stringify(parts.join('/'))} leaves the workspace; expected a relative path inside it.`,
    );
  }
  return clean;
}

function within(files: WorkspaceFile[], dir?: string): WorkspaceFile[] {
  const prefix = dir ? workspacePath(dir) : '';
  const chosen = prefix === '' ? files : files.filter((file) => file.path.startsWith(`${prefix}/`));
  return chosen
    .map((file) => ({ path: prefix === '' ? file.path : file.path.slice(prefix.length + 1), content: file.content }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

export class MemoryWorkspace implements Workspace {
  readonly #files = new Map<string, Buffer>();
  readonly #steps = new Set<string>();

  async write(file: WorkspaceFile): Promise<void> {
    this.#files.set(workspacePath(file.path), file.content);
  }

  async files(dir?: string): Promise<WorkspaceFile[]> {
    return within(
      [...this.#files].map(([filePath, content]) => ({ path: filePath, content })),
      dir,
    );
  }

  async hasStep(stepId: string): Promise<boolean> {
    return this.#steps.has(stepId);
  }

  async markStep(stepId: string): Promise<void> {
    this.#steps.add(stepId);
  }
}

export class DiskWorkspace implements Workspace {
  readonly #dir: string;
  readonly #steps: string;

  /** `root` holds every request's workspace; this one is `<root>/<requestId>` (its step marks beside it). */
  constructor(opts: { root: string; requestId: string }) {
    const id = opts.requestId.replace(/[^A-Za-z0-9_.-]/g, '_');
    this.#dir = path.join(opts.root, id, 'files');
    this.#steps = path.join(opts.root, id, 'steps');
  }

  async write(file: WorkspaceFile): Promise<void> {
    const target = path.join(this.#dir, workspacePath(file.path));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.content);
  }

  async files(dir?: string): Promise<WorkspaceFile[]> {
    const found: WorkspaceFile[] = [];
    const walk = async (relative: string) => {
      const entries = await readdir(path.join(this.#dir, relative), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(child);
        else if (entry.isFile()) found.push({ path: child, content: await readFile(path.join(this.#dir, child)) });
      }
    };
    await walk('');
    return within(found, dir);
  }

  async hasStep(stepId: string): Promise<boolean> {
    return stat(path.join(this.#steps, encodeURIComponent(stepId))).then(
      () => true,
      () => false,
    );
  }

  async markStep(stepId: string): Promise<void> {
    await mkdir(this.#steps, { recursive: true });
    await writeFile(path.join(this.#steps, encodeURIComponent(stepId)), '');
  }

  /** Forgets the step's files (before running it again from scratch). */
  async clear(): Promise<void> {
    await rm(path.dirname(this.#dir), { recursive: true, force: true });
  }
}
