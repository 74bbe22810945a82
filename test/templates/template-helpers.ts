/** Templates written to a scratch folder, and a client for the fake GitHub, for the template engine's tests. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createOctokit, type GitHubClient } from '../../src/github/octokit.ts';
import type { Logger } from '../../src/logger.ts';

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A client for the fake GitHub at `url`: no retries, no pause between writes. */
export function createTestOctokit(url: string): GitHubClient {
  return createOctokit({ auth: { token: 'ghp_test' }, logger: quiet, apiUrl: url, retries: 0, writeIntervalMs: 0 });
}

/** A scratch templates folder: `write('name', yaml, { 'skeleton/README.md': '…' })` adds `name/template.yaml`. */
export async function createTemplatesFolder(): Promise<{
  dir: string;
  write(name: string, yaml: string, files?: Record<string, string>): Promise<string>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'wayfinder-templates-'));
  return {
    dir,
    async write(name, yaml, files = {}) {
      const folder = path.join(dir, name);
      await mkdir(folder, { recursive: true });
      await writeFile(path.join(folder, 'template.yaml'), yaml);
      for (const [file, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(folder, file)), { recursive: true });
        await writeFile(path.join(folder, file), text);
      }
      return path.join(folder, 'template.yaml');
    },
  };
}

/** A template document around the given `spec.parameters` and `spec.steps` YAML (indented by the caller). */
export function templateYaml(opts: { name?: string; parameters?: string; steps?: string; extra?: string }): string {
  return [
    'apiVersion: scaffolder.backstage.io/v1beta3',
    'kind: Template',
    'metadata:',
    `  name: ${opts.name ?? 'sample'}`,
    ...(opts.extra ? [opts.extra] : []),
    'spec:',
    '  type: service',
    ...(opts.parameters ? ['  parameters:', opts.parameters] : []),
    '  steps:',
    opts.steps ?? '    - id: log\n      action: debug:log\n      input:\n        message: hello',
    '',
  ].join('\n');
}
