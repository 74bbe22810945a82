import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryConditionalCache } from '../../src/github/InMemoryConditionalCache.ts';
import { OctokitGitHubGateway } from '../../src/github/OctokitGitHubGateway.ts';
import { createOctokit } from '../../src/github/octokit.ts';
import { createGitHubUrlReader, parseGitHubFileUrl } from '../../src/ingestion/github-url-reader.ts';
import { loadDescriptors, type UrlReader } from '../../src/ingestion/load-descriptors.ts';
import type { Logger } from '../../src/logger.ts';
import { type FakeGitHubApi, startFakeGitHubApi } from '../fakes/github-api.ts';

const UPSTREAM = fileURLToPath(new URL('../fixtures/catalog/backstage-upstream', import.meta.url));

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

let github: FakeGitHubApi;
let reader: UrlReader;
let scratch: string;

beforeEach(async () => {
  github = await startFakeGitHubApi();
  const octokit = createOctokit({
    auth: { token: 'ghp_test' },
    logger: quiet,
    apiUrl: github.url,
    retries: 0,
    retryBaseDelayMs: 1,
  });
  reader = createGitHubUrlReader({
    gateway: new OctokitGitHubGateway({ octokit, cache: new InMemoryConditionalCache() }),
  });
  scratch = await mkdtemp(path.join(tmpdir(), 'wayfinder-url-'));
});

afterEach(async () => {
  await github?.close();
  await rm(scratch, { recursive: true, force: true });
});

async function catalogFile(text: string): Promise<string> {
  const file = path.join(scratch, 'catalog-info.yaml');
  await writeFile(file, text);
  return file;
}

const location = (target: string, presence = 'required') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: remote }\nspec: { type: url, target: "${target}", presence: ${presence} }\n`;

describe('url Location targets read through GitHub', () => {
  it('reads a url target, the targets it names relative to it and its relative placeholders, all from the repository', async () => {
    github.addRepos({
      fullName: 'acme/catalog',
      files: {
        'catalog-info.yaml': location('./services/payments.yaml').replace('name: remote', 'name: remote-root'),
        'services/payments.yaml': [
          'apiVersion: backstage.io/v1alpha1',
          'kind: API',
          'metadata: { name: payments-api }',
          'spec: { type: openapi, lifecycle: production, owner: payments, definition: { $text: ./payments.oas.yaml } }',
        ].join('\n'),
        'services/payments.oas.yaml': 'openapi: 3.0.0\n',
      },
    });
    const file = await catalogFile(location('https://github.com/acme/catalog/blob/main/catalog-info.yaml'));
    const loaded = await loadDescriptors({ paths: [file], reader });
    expect(loaded.errors).toEqual([]);
    expect(loaded.skipped).toEqual([]);
    expect(loaded.entities.map((entity) => [entity.ref, entity.source.location])).toEqual([
      ['location:default/remote', `file:${file}`],
      ['location:default/remote-root', 'url:https://github.com/acme/catalog/blob/main/catalog-info.yaml'],
      ['api:default/payments-api', 'url:https://github.com/acme/catalog/blob/main/services/payments.yaml'],
    ]);
    expect(loaded.entities[2]?.envelope.spec?.definition).toBe('openapi: 3.0.0\n');
  });

  it('reports a required url target that is not in the repository, and says nothing of an optional one', async () => {
    github.addRepos({ fullName: 'acme/catalog', files: { 'README.md': '# catalog\n' } });
    const target = 'https://github.com/acme/catalog/blob/main/gone.yaml';
    const file = await catalogFile(location(target));
    const loaded = await loadDescriptors({ paths: [file], reader });
    expect(loaded.errors.map((error) => [error.field, error.message])).toEqual([
      [
        'spec.target',
        `Target "${target}" of location:default/remote does not exist on GitHub; expected a descriptor file, or presence: optional if it may be missing.`,
      ],
    ]);
    const optional = await loadDescriptors({ paths: [await catalogFile(location(target, 'optional'))], reader });
    expect(optional.errors).toEqual([]);
  });

  it('skips a url target on another host with the reason, without asking GitHub', async () => {
    const file = await catalogFile(location('https://gitlab.example.com/acme/catalog/-/raw/main/catalog-info.yaml'));
    const loaded = await loadDescriptors({ paths: [file], reader });
    expect(loaded.errors).toEqual([]);
    expect(loaded.skipped.map((skipped) => skipped.reason)).toEqual([
      'Target "https://gitlab.example.com/acme/catalog/-/raw/main/catalog-info.yaml" was not read: it is not a GitHub file URL (https://github.com/<owner>/<repo>/blob/<ref>/<path> or https://raw.githubusercontent.com/<owner>/<repo>/<ref>/<path>), and only GitHub is read.',
    ]);
    expect(github.requests).toBe(0);
  });
});

describe("Backstage's own example catalog with GitHub configured", () => {
  it('reads its $text URL placeholders through GitHub, leaving nothing skipped', async () => {
    const spotify =
      'https://github.com/APIs-guru/openapi-directory/blob/dab6854d4d599aafb0eb36e6c7ae1fe0c37509b7/APIs/spotify.com/2021.4.2/openapi.yaml';
    github.addRepos({
      fullName: 'APIs-guru/openapi-directory',
      files: {
        'APIs/archive.org/wayback/1.0.0/openapi.yaml': 'openapi: 3.0.0\ninfo: { title: Wayback, version: 1.0.0 }\n',
        'APIs/archive.org/search/1.0.0/openapi.yaml': 'openapi: 3.0.0\ninfo: { title: Search, version: 1.0.0 }\n',
      },
    });
    github.setFile({
      repo: 'APIs-guru/openapi-directory',
      branch: 'dab6854d4d599aafb0eb36e6c7ae1fe0c37509b7',
      path: 'APIs/spotify.com/2021.4.2/openapi.yaml',
      text: 'openapi: 3.0.0\ninfo: { title: Spotify, version: 2021.4.2 }\n',
    });
    const loaded = await loadDescriptors({ paths: [UPSTREAM], reader });
    expect(loaded.errors).toEqual([]);
    expect(loaded.skipped).toEqual([]);
    expect(loaded.entities).toHaveLength(68);
    const definition = (ref: string) => loaded.entities.find((entity) => entity.ref === ref)?.envelope.spec?.definition;
    expect(definition('api:default/spotify')).toContain('title: Spotify');
    expect(definition('api:default/wayback-search')).toContain('title: Search');
    expect(await readFile(path.join(UPSTREAM, 'apis', 'spotify-api.yaml'), 'utf8')).toContain(spotify);
  });

  it('fails a document whose URL placeholder is not on GitHub, in the words Backstage uses', async () => {
    const url = 'https://github.com/acme/specs/blob/main/orders.yaml';
    github.addRepos({ fullName: 'acme/specs', files: { 'README.md': '# specs\n' } });
    const file = await catalogFile(
      `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: { name: orders-api }\nspec: { type: openapi, lifecycle: production, definition: { $text: "${url}" } }\n`,
    );
    const loaded = await loadDescriptors({ paths: [file], reader });
    expect(loaded.entities).toEqual([]);
    expect(loaded.errors.map((error) => [error.field, error.message])).toEqual([
      [
        'spec.definition',
        `Placeholder $text could not read location ${url}, ${url} does not exist; expected a file at that URL.`,
      ],
    ]);
  });
});

describe('parseGitHubFileUrl', () => {
  it('reads the repository, ref and path of blob and raw URLs, and nothing else', () => {
    expect(parseGitHubFileUrl('https://github.com/acme/catalog/blob/main/dir/catalog-info.yaml')).toEqual({
      repo: 'acme/catalog',
      ref: 'main',
      path: 'dir/catalog-info.yaml',
    });
    expect(parseGitHubFileUrl('https://raw.githubusercontent.com/acme/catalog/v1.2/catalog-info.yaml')).toEqual({
      repo: 'acme/catalog',
      ref: 'v1.2',
      path: 'catalog-info.yaml',
    });
    expect(parseGitHubFileUrl('https://github.com/acme/catalog/tree/main/dir')).toBeUndefined();
    expect(parseGitHubFileUrl('https://github.com/acme/catalog')).toBeUndefined();
    expect(parseGitHubFileUrl('https://example.com/acme/catalog/blob/main/x.yaml')).toBeUndefined();
  });
});
