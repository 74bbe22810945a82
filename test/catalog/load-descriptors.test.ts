import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDescriptors } from '../../src/catalog/load-descriptors.ts';
import type { ProcessedEntity } from '../../src/core/catalog/types.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/catalog', import.meta.url));

function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

function refsOf(entities: readonly ProcessedEntity[]): string[] {
  return entities.map((entity) => entity.ref);
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
        message: `Target "./gone.yaml" of location:default/broken-targets at ${location}:1 does not exist (${fixture('location-missing', 'gone.yaml')}); expected a descriptor file, or presence: optional if it may be missing.`,
      },
    ]);
  });

  it('says that url targets are read by wayfinder catalog sync, not by import', async () => {
    const loaded = await loadDescriptors({ paths: [fixture('location-url', 'catalog-info.yaml')] });
    expect(refsOf(loaded.entities)).toEqual(['location:default/remote-catalog']);
    expect(loaded.errors.map((error) => [error.field, error.message])).toEqual([
      [
        'spec.target',
        'Target "https://github.com/acme/catalog/blob/main/catalog-info.yaml" is a url location; url locations are read by `wayfinder catalog sync`, not by import.',
      ],
    ]);
  });

  it('reports glob targets and target types import does not read', async () => {
    const root = await scratchTree({
      'catalog-info.yaml': [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata: { name: globbed }',
        'spec: { targets: [./services/*/catalog-info.yaml] }',
        '---',
        'apiVersion: backstage.io/v1alpha1',
        'kind: Location',
        'metadata: { name: discovered }',
        'spec: { type: github-discovery, target: https://github.com/acme }',
      ].join('\n'),
    });
    const loaded = await loadDescriptors({ paths: [root] });
    expect(loaded.errors.map((error) => [error.entityRef, error.line, error.message])).toEqual([
      [
        'location:default/globbed',
        1,
        'Target "./services/*/catalog-info.yaml" is a glob pattern, which import does not expand; expected a file or a directory (directories are read recursively).',
      ],
      [
        'location:default/discovered',
        6,
        'Target "https://github.com/acme" has type github-discovery, which import does not read; expected type file (or url, read by `wayfinder catalog sync`).',
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
      expect.objectContaining({ location: `file:${file}`, line: 18, field: 'metadata.name' }),
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
        message: `component:default/search is already defined at ${fixture('duplicates', 'first.yaml')}:1; each entity may be defined once.`,
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
        message: `${missing} does not exist; expected a descriptor file or a directory of them.`,
      },
    ]);
  });

  it('skips empty documents and an empty file named explicitly', async () => {
    const root = await scratchTree({ 'empty.yaml': '', 'blank-docs.yaml': '---\n---\n# only a comment\n' });
    const loaded = await loadDescriptors({
      paths: [path.join(root, 'empty.yaml'), path.join(root, 'blank-docs.yaml')],
    });
    expect(loaded).toEqual({
      entities: [],
      errors: [],
      locations: [`file:${path.join(root, 'empty.yaml')}`, `file:${path.join(root, 'blank-docs.yaml')}`],
    });
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
