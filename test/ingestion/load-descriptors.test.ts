import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessedEntity } from '../../src/core/catalog/types.ts';
import { loadDescriptors } from '../../src/ingestion/load-descriptors.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/catalog', import.meta.url));

function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

function refsOf(entities: readonly ProcessedEntity[]): string[] {
  return entities.map((entity) => entity.ref);
}

function api(name: string): string {
  return `apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata: { name: ${name} }\nspec: { type: openapi, lifecycle: production, definition: "openapi: 3.0.0" }\n`;
}

function location(name: string, targets: string[], presence?: 'optional'): string {
  const spec = [`targets: [${targets.join(', ')}]`, ...(presence ? [`presence: ${presence}`] : [])].join(', ');
  return `apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata: { name: ${name} }\nspec: { ${spec} }\n`;
}

describe('loadDescriptors', () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch) {
      await rm(scratch, { recursive: true, force: true });
      scratch = undefined;
    }
  });

  /** A throwaway directory holding the given files, for cases too small to deserve a fixture tree. */
  async function scratchTree(files: Record<string, string>): Promise<string> {
    scratch = await mkdtemp(path.join(tmpdir(), 'wayfinder-load-'));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(scratch, name)), { recursive: true });
      await writeFile(path.join(scratch, name), text);
    }
    return scratch;
  }

  it('reads every document of a multi-document file, each with the line its content starts on', async () => {
    const file = fixture('multi-doc', 'catalog-info.yaml');
    const loaded = await loadDescriptors({ paths: [file] });
    expect(loaded.errors).toEqual([]);
    expect(loaded.entities.map((entity) => [entity.ref, entity.source])).toEqual([
      ['component:default/payments-api', { location: `file:${file}`, line: 2 }],
      ['api:default/payments-rest', { location: `file:${file}`, line: 14 }],
      ['system:default/payments', { location: `file:${file}`, line: 30 }],
    ]);
    expect(loaded.locations).toEqual([`file:${file}`]);
  });

  it('reads a relative path as relative to the working directory', async () => {
    const relative = path.relative(process.cwd(), fixture('multi-doc', 'catalog-info.yaml'));
    const loaded = await loadDescriptors({ paths: [relative] });
    expect(loaded.locations).toEqual([`file:${fixture('multi-doc', 'catalog-info.yaml')}`]);
  });

  it('reads directories recursively, skipping node_modules, dot-directories, CI workflows and Kubernetes manifests', async () => {
    const loaded = await loadDescriptors({ paths: [fixture('nested')] });
    expect(loaded.errors).toEqual([]);
    expect(refsOf(loaded.entities)).toEqual(['component:default/payments-worker', 'component:default/metrics-gateway']);
    expect(loaded.locations).toEqual([
      `file:${fixture('nested', 'payments', 'catalog-info.yaml')}`,
      `file:${fixture('nested', 'platform', 'observability', 'metrics.yml')}`,
    ]);
  });

  it('validates a file named explicitly even when it is not a descriptor', async () => {
    const file = fixture('nested', 'ci-workflow.yaml');
    const loaded = await loadDescriptors({ paths: [file] });
    expect(loaded.entities).toEqual([]);
    expect(loaded.errors.map((error) => error.field)).toEqual(['apiVersion', 'kind', 'metadata', 'name', 'on', 'jobs']);
    expect(loaded.errors[0]).toMatchObject({ location: `file:${file}`, line: 2 });
    expect(loaded.locations).toEqual([`file:${file}`]);
  });

  it('follows Location targets relative to the Location file, keeping the Location entities', async () => {
    const loaded = await loadDescriptors({ paths: [fixture('locations', 'catalog-info.yaml')] });
    expect(loaded.errors).toEqual([]);
    expect(refsOf(loaded.entities)).toEqual([
      'location:default/company-catalog',
      'location:default/optional-extras',
      'component:default/checkout-web',
      'group:default/checkout-team',
    ]);
    expect(loaded.entities[2]?.source).toEqual({
      location: `file:${fixture('locations', 'services', 'checkout.yaml')}`,
      line: 1,
    });
  });

  it('reads a file once when both a directory and a Location name it', async () => {
    const loaded = await loadDescriptors({ paths: [fixture('locations')] });
    expect(loaded.errors).toEqual([]);
    expect(loaded.entities).toHaveLength(4);
    expect(new Set(loaded.locations).size).toBe(loaded.locations.length);
  });

  it('reports a missing required target with the Location file, its line and the target', async () => {
    const location = fixture('location-missing', 'catalog-info.yaml');
    const loaded = await loadDescriptors({ paths: [location] });
    expect(refsOf(loaded.entities)).toEqual(['location:default/broken-targets', 'resource:default/orders-db']);
    expect(loaded.errors).toEqual([
      {
        location: `file:${location}`,
        line: 1,
        field: 'spec.targets[1]',
        entityRef: 'location:default/broken-targets',
        message:
          'Target "./gone.yaml" of location:default/broken-targets does not exist, relative to the folder of this file; expected a descriptor file, or presence: optional if it may be missing.',
      },
    ]);
  });

  it('skips a url target with the reason when no GitHub is configured, without failing the Location', async () => {
    const file = fixture('location-url', 'catalog-info.yaml');
    const loaded = await loadDescriptors({ paths: [file] });
    expect(refsOf(loaded.entities)).toEqual(['location:default/remote-catalog']);
    expect(loaded.errors).toEqual([]);
    expect(loaded.skipped).toEqual([
      {
        location: `file:${file}`,
        line: 1,
        field: 'spec.target',
        entityRef: 'location:default/remote-catalog',
        reason:
          'Target "https://github.com/acme/catalog/blob/main/catalog-info.yaml" is a url location, read through GitHub, which is not configured (set GITHUB_TOKEN and GITHUB_ORG, or the GitHub App settings); it was not read.',
      },
    ]);
  });

  it('expands glob targets relative to the Location file, reading the descriptors among the matches', async () => {
    const root = await scratchTree({
      'catalog-info.yaml': location('all-apis', ['./apis/*.yaml']),
      'apis/payments-api.yaml': api('payments-api'),
      'apis/orders-api.yaml': api('orders-api'),
      'apis/orders.oas.yaml': 'openapi: 3.0.0\ninfo: { title: Orders, version: 1.0.0 }\npaths: {}\n',
      'apis/nested/ignored-api.yaml': api('ignored-api'),
    });
    const loaded = await loadDescriptors({ paths: [path.join(root, 'catalog-info.yaml')] });
    expect(loaded.errors).toEqual([]);
    expect(refsOf(loaded.entities)).toEqual([
      'location:default/all-apis',
      'api:default/orders-api',
      'api:default/payments-api',
    ]);
  });

  it('reports a glob target that matches no file, unless its presence is optional', async () => {
    const root = await scratchTree({
      'catalog-info.yaml': [
        location('globbed', ['./services/*/catalog-info.yaml']),
        location('maybe', ['./extras/*.yaml'], 'optional'),
      ].join('---\n'),
    });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors.map((error) => [error.entityRef, error.field, error.message])).toEqual([
      [
        'location:default/globbed',
        'spec.targets[0]',
        'Target "./services/*/catalog-info.yaml" of location:default/globbed matches no file, relative to the folder of this file; expected at least one descriptor file, or presence: optional if it may match none.',
      ],
    ]);
  });

  it('reports a target type import does not read', async () => {
    const root = await scratchTree({
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata: { name: discovered }',
        'spec: { type: github-discovery, target: https://github.com/acme }',
      ].join('\n'),
    });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors.map((error) => [error.entityRef, error.line, error.message])).toEqual([
      [
        'location:default/discovered',
        1,
        'Target "https://github.com/acme" has type github-discovery, which import does not read; expected type file or url.',
      ],
    ]);
  });

  it('reads each file once when Locations name each other in a cycle', async () => {
    const loaded = await loadDescriptors({ paths: [fixture('location-cycle', 'a.yaml')] });
    expect(loaded.errors).toEqual([]);
    expect(refsOf(loaded.entities)).toEqual(['location:default/cycle-a', 'location:default/cycle-b']);
    expect(loaded.locations).toEqual([
      `file:${fixture('location-cycle', 'a.yaml')}`,
      `file:${fixture('location-cycle', 'b.yaml')}`,
    ]);
  });

  it('reports a YAML syntax error with its line and keeps reading the other documents', async () => {
    const file = fixture('syntax-error', 'catalog-info.yaml');
    const loaded = await loadDescriptors({ paths: [fixture('syntax-error')] });
    expect(refsOf(loaded.entities)).toEqual([
      'component:default/before-the-error',
      'component:default/after-the-error',
    ]);
    expect(loaded.errors).toEqual([
      {
        location: `file:${file}`,
        line: 9,
        message: 'YAML syntax error at line 12, column 9: Nested mappings are not allowed in compact mappings.',
      },
      // At the field's own line, not the document's (18).
      expect.objectContaining({ location: `file:${file}`, line: 21, documentLine: 18, field: 'metadata.name' }),
    ]);
  });

  it('reports the later of two definitions of the same ref, pointing at the first', async () => {
    const loaded = await loadDescriptors({ paths: [fixture('duplicates')] });
    expect(refsOf(loaded.entities)).toEqual(['component:default/search', 'component:default/other']);
    expect(loaded.errors).toEqual([
      {
        location: `file:${fixture('duplicates', 'second.yaml')}`,
        line: 10,
        field: 'metadata.name',
        entityRef: 'component:default/search',
        message: 'component:default/search is already defined in first.yaml:1; each entity may be defined once.',
      },
    ]);
  });

  it('reports a path that does not exist and still reads the others', async () => {
    const missing = fixture('no-such-dir');
    const loaded = await loadDescriptors({ paths: [missing, fixture('multi-doc')] });
    expect(loaded.entities).toHaveLength(3);
    expect(loaded.errors).toEqual([
      {
        location: `file:${missing}`,
        message: 'Nothing exists at this path; expected a descriptor file or a directory of them.',
      },
    ]);
  });

  it('reports a given file that holds no descriptors, such as an empty file or one of blank documents', async () => {
    const root = await scratchTree({ 'empty.yaml': '', 'blank-docs.yaml': '---\n---\n# only a comment\n' });
    const empty = path.join(root, 'empty.yaml');
    const blank = path.join(root, 'blank-docs.yaml');
    const loaded = await loadDescriptors({ paths: [empty, blank] });
    const says = (file: string) => ({
      location: `file:${file}`,
      message: `This file holds no descriptors; expected at least one YAML document with apiVersion, kind, metadata and spec.`,
    });
    expect(loaded).toEqual({
      entities: [],
      errors: [says(empty), says(blank)],
      skipped: [],
      locations: [`file:${empty}`, `file:${blank}`],
      // Read, and found empty: not unread.
      unread: [],
    });
  });

  it('reports a given directory that holds no descriptors, naming what it looked for', async () => {
    const root = await scratchTree({ '.github/workflows/ci.yaml': 'on: push\n', 'values.yaml': 'replicas: 2\n' });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.entities).toEqual([]);
    expect(loaded.errors).toEqual([
      {
        location: `file:${root}`,
        message: `This folder holds no descriptors; expected a catalog-info.yaml, or .yaml files whose documents have an apiVersion such as backstage.io/v1alpha1 (other YAML, such as CI workflows, is not read).`,
      },
    ]);
  });

  it('names the given paths it could not read, and not a directory it listed and found empty', async () => {
    const root = await scratchTree({ 'values.yaml': 'replicas: 2\n' });
    const loaded = await loadDescriptors({ paths: [root, path.join(root, 'gone')] });
    expect(loaded.unread).toEqual([path.join(root, 'gone')]);
  });

  it('does not call a path empty when an earlier path already read its descriptors', async () => {
    const root = await scratchTree({ 'catalog-info.yaml': api('payments-api') });
    const loaded = await loadDescriptors({ paths: [root, path.join(root, 'catalog-info.yaml')] });
    expect(loaded.errors).toEqual([]);
    expect(refsOf(loaded.entities)).toEqual(['api:default/payments-api']);
  });

  it('follows symbolic links to files and directories, reading each file once', async () => {
    const root = await scratchTree({ 'real/catalog-info.yaml': api('linked-api') });
    await symlink(path.join(root, 'real'), path.join(root, 'via-link'));
    await symlink(path.join(root, 'real', 'catalog-info.yaml'), path.join(root, 'shortcut.yaml'));
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors).toEqual([]);
    expect(refsOf(loaded.entities)).toEqual(['api:default/linked-api']);
    expect(loaded.locations).toEqual([`file:${path.join(root, 'real', 'catalog-info.yaml')}`]);
  });

  it('reports a symbolic link that loops back into the directory holding it, and a dangling link, as skipped', async () => {
    const root = await scratchTree({ 'team/catalog-info.yaml': api('team-api') });
    await symlink(root, path.join(root, 'team', 'back-to-root'));
    await symlink(path.join(root, 'gone'), path.join(root, 'dangling.yaml'));
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors).toEqual([]);
    expect(refsOf(loaded.entities)).toEqual(['api:default/team-api']);
    expect(loaded.skipped).toEqual([
      {
        location: `file:${path.join(root, 'dangling.yaml')}`,
        reason: 'Not read: it is a symbolic link to something that does not exist.',
      },
      {
        location: `file:${path.join(root, 'team', 'back-to-root')}`,
        reason:
          'A symbolic link to a folder that holds it: a loop. It was not followed again (its files are read once).',
      },
    ]);
  });

  it('skips a document of a kind Backstage defines but Wayfinder does not read, with the reason', async () => {
    const root = await scratchTree({
      'environments.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Environment',
        'metadata: { name: prod }',
        'spec: { owner: team-a }',
        '---',
        'apiVersion: backstage.io/v1alpha2',
        'kind: API',
        'metadata: { name: next-api }',
        'spec: { type: openapi }',
      ].join('\n'),
      'catalog-info.yaml': api('kept-api'),
    });
    const loaded = await loadDescriptors({ paths: [root] });
    const file = `file:${path.join(root, 'environments.yaml')}`;
    expect(loaded.errors).toEqual([]);
    expect(refsOf(loaded.entities)).toEqual(['api:default/kept-api']);
    expect(loaded.skipped).toEqual([
      {
        location: file,
        line: 1,
        field: 'kind',
        entityRef: 'environment:default/prod',
        reason:
          'No processor recognized the entity environment:default/prod as valid, possibly caused by a foreign kind or apiVersion: Wayfinder does not read kind Environment; it reads API, AiResource, Component, Domain, Group, Location, Resource, System, Template and User. The document was skipped.',
      },
      {
        location: file,
        line: 6,
        field: 'apiVersion',
        entityRef: 'api:default/next-api',
        reason:
          'No processor recognized the entity api:default/next-api as valid, possibly caused by a foreign kind or apiVersion: Wayfinder reads kind API at backstage.io/v1alpha1 or backstage.io/v1beta1, not backstage.io/v1alpha2. The document was skipped.',
      },
    ]);
  });

  it('resolves $text, $json and $yaml placeholders relative to the descriptor', async () => {
    const root = await scratchTree({
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata: { name: orders-api }',
        'spec:',
        '  type: openapi',
        '  lifecycle: production',
        '  definition: { $text: ./specs/orders.oas.yaml }',
        '  servers: { $json: ./specs/servers.json }',
        '  limits: { $yaml: ./specs/limits.yaml }',
        '  schema: { $ref: "#/definitions/node" }',
      ].join('\n'),
      'specs/orders.oas.yaml': 'openapi: 3.0.0\n',
      'specs/servers.json': '["https://orders.example.com"]',
      'specs/limits.yaml': 'rps: 100\n',
    });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors).toEqual([]);
    expect(loaded.entities[0]?.envelope.spec).toMatchObject({
      definition: 'openapi: 3.0.0\n',
      servers: ['https://orders.example.com'],
      limits: { rps: 100 },
      schema: { $ref: '#/definitions/node' },
    });
  });

  it('refuses a $json API definition, as Backstage does, saying that a string or $text is what it takes', async () => {
    const root = await scratchTree({
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata: { name: orders-api }',
        'spec:',
        '  type: openapi',
        '  lifecycle: production',
        '  definition: { $json: ./openapi.json }',
      ].join('\n'),
      'openapi.json': '{"openapi":"3.0.0"}',
    });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors.map((error) => error.message)).toEqual([
      '"spec.definition" is not valid; expected the API definition as a string, or a $text reference to a file ($json and $yaml are not accepted here) but found {"openapi":"3.0.0"}.',
    ]);
  });

  it("fails a document whose placeholder names a file that does not exist or cannot be parsed, in Backstage's words", async () => {
    const root = await scratchTree({
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata: { name: orders-api }',
        'spec:',
        '  type: openapi',
        '  lifecycle: production',
        '  definition: { $text: ./missing.yaml }',
        '  servers: { $json: ./broken.json }',
      ].join('\n'),
      'broken.json': '{ nope',
    });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.entities).toEqual([]);
    expect(loaded.errors.map((error) => [error.line, error.field, error.entityRef, error.message])).toEqual([
      [
        7,
        'spec.definition',
        'api:default/orders-api',
        `Placeholder $text could not read location ./missing.yaml, it does not exist, relative to the folder of this file; expected a file there, or an absolute URL.`,
      ],
      [
        8,
        'spec.servers',
        'api:default/orders-api',
        expect.stringMatching(/^Placeholder \$json failed to parse JSON data at \.\/broken\.json, /),
      ],
    ]);
  });

  it('refuses a placeholder that reaches outside the imported directory', async () => {
    const root = await scratchTree({
      'inner/catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata: { name: sneaky-api }',
        'spec: { type: openapi, lifecycle: production, definition: { $text: ../secret.txt } }',
      ].join('\n'),
      'secret.txt': 'hunter2',
    });
    const loaded = await loadDescriptors({ paths: [path.join(root, 'inner')] });
    expect(loaded.entities).toEqual([]);
    expect(loaded.errors[0]?.message).toBe(
      `Placeholder $text could not read location ../secret.txt, it is outside the imported directory; expected a file inside it, or an absolute URL.`,
    );
  });

  it('refuses Location targets that reach outside the imported folder, and never quotes what is there', async () => {
    const root = await scratchTree({
      'inner/team.yaml': api('inside-api'),
      'outside/other.yaml': api('outside-api'),
      'secret.txt': 'root:x:0:0:hunter2',
    });
    const secret = path.join(root, 'secret.txt');
    await writeFile(
      path.join(root, 'inner', 'catalog-info.yaml'),
      location('escape', [JSON.stringify(secret), '../outside/*.yaml', './team.yaml']),
    );
    const loaded = await loadDescriptors({ paths: [path.join(root, 'inner')] });

    expect(refsOf(loaded.entities).sort()).toEqual(['api:default/inside-api', 'location:default/escape']);
    const outside = (target: string) =>
      `Target "${target}" of location:default/escape reaches outside the imported folder, which import does not read; expected files inside it (import the other folder on its own, or give a url target).`;
    expect(loaded.errors.map((error) => error.message)).toEqual([outside(secret), outside('../outside/*.yaml')]);
    expect(JSON.stringify(loaded.errors)).not.toContain('hunter2');
  });

  it('keeps a URL placeholder as written, reported as a placeholder not read, when no GitHub is configured', async () => {
    const url = 'https://github.com/acme/specs/blob/main/orders.yaml';
    const root = await scratchTree({
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: API',
        'metadata: { name: orders-api }',
        `spec: { type: openapi, lifecycle: production, definition: { $text: "${url}" } }`,
      ].join('\n'),
    });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors).toEqual([]);
    expect(loaded.entities[0]?.envelope.spec?.definition).toEqual({ $text: url });
    expect(loaded.skipped).toEqual([
      {
        location: `file:${path.join(root, 'catalog-info.yaml')}`,
        line: 1,
        field: 'spec.definition',
        entityRef: 'api:default/orders-api',
        reason: `Placeholder $text ${url} was not read: no GitHub is configured to read it through. It is kept as written.`,
        // Its document was imported: the summary counts it as a placeholder not read, not as a document skipped.
        placeholder: true,
      },
    ]);
  });

  it('reports YAML that cannot be turned into data, such as an undefined alias', async () => {
    const root = await scratchTree({ 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: *nowhere\n' });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.entities).toEqual([]);
    expect(loaded.errors).toEqual([
      {
        location: `file:${path.join(root, 'catalog-info.yaml')}`,
        line: 1,
        message: 'YAML could not be read: Unresolved alias (the anchor must be set before the alias): nowhere.',
      },
    ]);
  });
});

describe('the example Backstage catalog', () => {
  const root = fixture('backstage-example');

  it('loads with zero errors from its directory', async () => {
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors).toEqual([]);
    expect(loaded.entities).toHaveLength(34);
  });

  it('loads the same entities through its root Location', async () => {
    const fromDirectory = await loadDescriptors({ paths: [root] });
    const fromLocation = await loadDescriptors({ paths: [path.join(root, 'catalog-info.yaml')] });
    expect(fromLocation.errors).toEqual([]);
    expect(refsOf(fromLocation.entities).sort()).toEqual(refsOf(fromDirectory.entities).sort());
  });

  it('holds every kind Wayfinder answers about', async () => {
    const { entities } = await loadDescriptors({ paths: [root] });
    const kinds = new Set(entities.map((entity) => entity.kind));
    expect([...kinds].sort()).toEqual([
      'API',
      'Component',
      'Domain',
      'Group',
      'Location',
      'Resource',
      'System',
      'Template',
      'User',
    ]);
  });

  it('has no relation that points at an entity it does not define', async () => {
    const { entities } = await loadDescriptors({ paths: [root] });
    const refs = new Set(refsOf(entities));
    const dangling = entities
      .flatMap((entity) => entity.relations)
      .filter((relation) => !refs.has(relation.source) || !refs.has(relation.target));
    expect(dangling).toEqual([]);
  });

  it('builds the group tree and memberships from parent, children and memberOf', async () => {
    const { entities } = await loadDescriptors({ paths: [root] });
    const byRef = new Map(entities.map((entity) => [entity.ref, entity]));
    expect(byRef.get('group:default/team-a')?.relations).toContainEqual({
      source: 'group:default/team-a',
      type: 'childOf',
      target: 'group:default/backstage',
    });
    expect(byRef.get('user:development/guest')?.relations).toContainEqual({
      source: 'user:development/guest',
      type: 'memberOf',
      target: 'group:default/team-a',
    });
    const users = entities.filter((entity) => entity.kind === 'User');
    expect(users.every((user) => typeof (user.envelope.spec?.profile as { email?: unknown })?.email === 'string')).toBe(
      true,
    );
  });
});

describe("Backstage's own example catalog, as upstream has it (backstage-upstream/SOURCE.md)", () => {
  const root = fixture('backstage-upstream');

  it('reads every document of its directory, failing none', async () => {
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors).toEqual([]);
    const kinds: Record<string, number> = {};
    for (const entity of loaded.entities) kinds[entity.kind] = (kinds[entity.kind] ?? 0) + 1;
    expect(kinds).toEqual({
      AiResource: 4,
      API: 11,
      Component: 13,
      Domain: 3,
      Group: 8,
      Location: 8,
      Resource: 1,
      System: 3,
      User: 17,
    });
  });

  it('reads the same entities through all.yaml and acme/org.yaml, except the marketplace no Location names', async () => {
    const fromLocations = await loadDescriptors({
      paths: [path.join(root, 'all.yaml'), path.join(root, 'acme', 'org.yaml')],
    });
    const fromDirectory = await loadDescriptors({ paths: [root] });
    expect(fromLocations.errors).toEqual([]);
    expect(refsOf(fromDirectory.entities).filter((ref) => !refsOf(fromLocations.entities).includes(ref))).toEqual([
      'airesource:default/company-ai-tools',
    ]);
  });

  it('keeps the MCP server and the AI model server with their remotes and owner', async () => {
    const { entities } = await loadDescriptors({ paths: [path.join(root, 'apis')] });
    const byRef = new Map(entities.map((entity) => [entity.ref, entity]));
    expect(byRef.get('api:default/backstage-mcp-server')?.envelope.spec?.remotes).toEqual([
      { type: 'streamable-http', url: 'http://localhost:7007/api/mcp/v1' },
    ]);
    expect(byRef.get('api:default/local-inference-server')?.relations).toContainEqual({
      source: 'api:default/local-inference-server',
      type: 'ownedBy',
      target: 'group:default/team-a',
    });
  });

  it("reads the petstore webhook's definition from the file beside it, and keeps the GitHub URLs as skipped", async () => {
    const loaded = await loadDescriptors({ paths: [path.join(root, 'apis')] });
    const webhook = loaded.entities.find((entity) => entity.ref === 'api:default/petstore-webhook');
    expect(webhook?.envelope.spec?.definition).toMatch(/^openapi: 3\.1\.0\ninfo:\n {2}title: Webhook Example/);
    expect(loaded.skipped.map((skipped) => [skipped.entityRef, skipped.field])).toEqual([
      ['api:default/spotify', 'spec.definition'],
      ['api:default/wayback-archive', 'spec.definition'],
      ['api:default/wayback-search', 'spec.definition'],
    ]);
  });

  it('relates AI resources to their owner, system, skills and plugins', async () => {
    const { entities } = await loadDescriptors({ paths: [path.join(root, 'ai-resources')] });
    const relations = entities.flatMap((entity) => entity.relations);
    expect(relations).toEqual(
      expect.arrayContaining([
        { source: 'airesource:default/frontend-design', type: 'ownedBy', target: 'group:default/team-a' },
        {
          source: 'airesource:default/use-internal-apis',
          type: 'partOf',
          target: 'system:default/artist-engagement-portal',
        },
        {
          source: 'airesource:default/code-review-plugin',
          type: 'hasSkill',
          target: 'airesource:default/security-review',
        },
        {
          source: 'airesource:default/company-ai-tools',
          type: 'hasPlugin',
          target: 'airesource:default/code-review-plugin',
        },
      ]),
    );
  });
});
