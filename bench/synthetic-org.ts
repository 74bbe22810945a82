/**
 * A synthetic organisation written as Backstage descriptor files, for `npm run bench`.
 *
 * The mix follows a real catalog: about 8% Groups (one root, business units, product areas, teams, each with its
 * parent and children), 25% Users (an email and one or two teams), 53% Components (owner, system, APIs provided and
 * consumed, dependencies), 10% APIs and 4% Systems, Domains and Resources. Names are `svc-00042`, `team-00007`, …:
 * distinct per kind, so `/owner <name>` always resolves to one entity. The same seed always writes the same files.
 *
 * Files are laid out as a company would keep them: the org in files of 100 documents, and one multi-document
 * `catalog-info.yaml` per system holding the system, its components, APIs and resources.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface SyntheticComponent {
  name: string;
  /** What `/owner <name>` must name: the display name of the team that owns it (directly or through its system). */
  ownerDisplayName: string;
}

export interface SyntheticOrg {
  /** Entities written, by kind. */
  counts: Record<string, number>;
  total: number;
  files: number;
  components: SyntheticComponent[];
  /** The Users' emails, in order: `user-00001@bench.example`, … */
  userEmails: string[];
}

interface Descriptor {
  apiVersion: 'backstage.io/v1alpha1';
  kind: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
}

interface Group {
  name: string;
  displayName: string;
  type: 'root' | 'business-unit' | 'product-area' | 'team';
  parent?: Group;
  children: Group[];
  members: string[];
}

const DOCS_PER_ORG_FILE = 100;

/** mulberry32: small, fast and good enough to pick owners and dependencies reproducibly. */
function createRandom(seed: number): {
  int(maxExclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
} {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (maxExclusive: number) => Math.floor(next() * maxExclusive);
  return {
    int,
    pick<T>(items: readonly T[]): T {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error('pick() from an empty list');
      return item;
    },
    chance: (p) => next() < p,
  };
}

const pad = (n: number) => String(n).padStart(5, '0');

/** How many entities of each kind make `total`; every kind the generator links to gets at least one. */
export function planOrg(
  total: number,
): Record<'group' | 'user' | 'component' | 'api' | 'system' | 'domain' | 'resource', number> {
  if (total < 40) throw new Error(`--entities must be at least 40 to hold every kind, not ${total}`);
  const domain = Math.max(1, Math.round(total * 0.005));
  const system = Math.max(1, Math.round(total * 0.02));
  const resource = Math.max(1, Math.round(total * 0.015));
  const group = Math.max(4, Math.round(total * 0.08));
  const user = Math.max(1, Math.round(total * 0.25));
  const api = Math.max(1, Math.round(total * 0.1));
  const component = total - domain - system - resource - group - user - api;
  return { group, user, component, api, system, domain, resource };
}

/** Writes the organisation under `dir` (created if missing) and returns what the load test needs to ask about. */
export async function writeSyntheticOrg(opts: { dir: string; entities: number; seed?: number }): Promise<SyntheticOrg> {
  const random = createRandom(opts.seed ?? 42);
  const plan = planOrg(opts.entities);

  // Groups: one root, ~1% business units, ~9% product areas, the rest teams (the leaves that own software).
  const groups: Group[] = [];
  const makeGroup = (name: string, displayName: string, type: Group['type'], parent?: Group): Group => {
    const group: Group = { name, displayName, type, parent, children: [], members: [] };
    parent?.children.push(group);
    groups.push(group);
    return group;
  };
  const root = makeGroup('org-root', 'Everyone', 'root');
  const unitCount = Math.max(1, Math.round(plan.group * 0.01));
  const areaCount = Math.max(1, Math.round(plan.group * 0.09));
  const teamCount = plan.group - 1 - unitCount - areaCount;
  const units = Array.from({ length: unitCount }, (_, i) =>
    makeGroup(`bu-${pad(i + 1)}`, `Unit ${pad(i + 1)}`, 'business-unit', root),
  );
  const areas = Array.from({ length: areaCount }, (_, i) =>
    makeGroup(`area-${pad(i + 1)}`, `Area ${pad(i + 1)}`, 'product-area', random.pick(units)),
  );
  const teams = Array.from({ length: teamCount }, (_, i) =>
    makeGroup(`team-${pad(i + 1)}`, `Team ${pad(i + 1)}`, 'team', random.pick(areas)),
  );

  // Users: every team gets members round-robin; one in five users is in a second team.
  const users: Descriptor[] = [];
  for (let i = 0; i < plan.user; i++) {
    const name = `user-${pad(i + 1)}`;
    const first = teams[i % teams.length] as Group;
    const memberOf = [first.name];
    if (random.chance(0.2)) {
      const second = random.pick(teams);
      if (second !== first) memberOf.push(second.name);
    }
    users.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name },
      spec: {
        profile: { displayName: `User ${pad(i + 1)}`, email: `${name}@bench.example` },
        memberOf,
      },
    });
  }

  const groupDescriptors: Descriptor[] = groups.map((group) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: group.name,
      title: group.displayName,
      description: `${group.displayName}, a ${group.type.replace('-', ' ')} of the benchmark organisation.`,
      annotations: {
        'slack.com/bot-notify': `#${group.name}`,
        ...(group.type === 'team' && random.chance(0.5)
          ? { 'pagerduty.com/service-id': `P${pad(random.int(99999))}` }
          : {}),
      },
    },
    spec: {
      type: group.type,
      ...(group.parent ? { parent: group.parent.name } : {}),
      children: group.children.map((child) => child.name),
      profile: { displayName: group.displayName, email: `${group.name}@bench.example` },
    },
  }));

  // Domains belong to business units or product areas; systems to teams, in a domain.
  const domainOwners = [...units, ...areas];
  const domains = Array.from({ length: plan.domain }, (_, i) => ({
    name: `dom-${pad(i + 1)}`,
    owner: random.pick(domainOwners),
  }));
  const systems = Array.from({ length: plan.system }, (_, i) => ({
    name: `sys-${pad(i + 1)}`,
    owner: random.pick(teams),
    domain: random.pick(domains),
    docs: [] as Descriptor[],
  }));

  // Components first (APIs are provided by components), then APIs, resources and dependencies.
  const components = Array.from({ length: plan.component }, (_, i) => {
    const system = random.pick(systems);
    // One in twenty names no owner: `/owner` answers with its system's owner, as Backstage users rely on.
    const owner = random.chance(0.05) ? undefined : random.pick(teams);
    return { name: `svc-${pad(i + 1)}`, system, owner, provides: [] as string[] };
  });
  const apis = Array.from({ length: plan.api }, (_, i) => {
    const provider = random.pick(components);
    const name = `api-${pad(i + 1)}`;
    provider.provides.push(name);
    return { name, provider };
  });
  const resources = Array.from({ length: plan.resource }, (_, i) => ({
    name: `res-${pad(i + 1)}`,
    system: random.pick(systems),
    owner: random.pick(teams),
  }));

  for (const component of components) {
    const consumes = new Set<string>();
    for (let k = random.int(4); k > 0; k--) consumes.add(random.pick(apis).name);
    const dependsOn = new Set<string>();
    for (let k = random.int(4); k > 0; k--) {
      dependsOn.add(
        random.chance(0.3) ? `resource:${random.pick(resources).name}` : `component:${random.pick(components).name}`,
      );
    }
    dependsOn.delete(`component:${component.name}`);
    const n = component.name.slice('svc-'.length);
    component.system.docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: component.name,
        title: `Service ${n}`,
        description: `Synthetic service ${n}: handles ${random.pick(['payments', 'orders', 'search', 'identity', 'billing', 'catalog'])} for the benchmark.`,
        tags: [
          random.pick(['java', 'go', 'python', 'typescript', 'kotlin']),
          random.pick(['grpc', 'rest', 'batch', 'stream']),
        ],
        annotations: {
          'github.com/project-slug': `bench/${component.name}`,
          'backstage.io/techdocs-ref': 'dir:.',
        },
        links: [{ url: `https://runbooks.bench.example/${component.name}`, title: 'Runbook', icon: 'docs' }],
      },
      spec: {
        type: random.pick(['service', 'service', 'service', 'website', 'library']),
        lifecycle: random.pick(['production', 'production', 'experimental', 'deprecated']),
        ...(component.owner ? { owner: component.owner.name } : {}),
        system: component.system.name,
        ...(component.provides.length > 0 ? { providesApis: component.provides } : {}),
        ...(consumes.size > 0 ? { consumesApis: [...consumes] } : {}),
        ...(dependsOn.size > 0 ? { dependsOn: [...dependsOn] } : {}),
      },
    });
  }
  for (const api of apis) {
    const owner = api.provider.owner ?? api.provider.system.owner;
    api.provider.system.docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'API',
      metadata: {
        name: api.name,
        title: `API ${api.name.slice('api-'.length)}`,
        description: `Served by ${api.provider.name}.`,
      },
      spec: {
        type: 'openapi',
        lifecycle: 'production',
        owner: owner.name,
        system: api.provider.system.name,
        definition: `openapi: 3.0.0\ninfo:\n  title: ${api.name}\n  version: 1.0.0\npaths: {}\n`,
      },
    });
  }
  for (const resource of resources) {
    resource.system.docs.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name: resource.name, description: `Database of ${resource.system.name}.` },
      spec: { type: 'database', owner: resource.owner.name, system: resource.system.name },
    });
  }

  const domainDescriptors: Descriptor[] = domains.map((domain) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Domain',
    metadata: { name: domain.name, title: `Domain ${domain.name.slice('dom-'.length)}` },
    spec: { owner: domain.owner.name },
  }));

  let files = 0;
  const write = async (relative: string, docs: readonly Descriptor[]) => {
    if (docs.length === 0) return;
    const path = join(opts.dir, relative);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, docs.map((doc) => stringify(doc, { lineWidth: 0 })).join('---\n'));
    files++;
  };
  const chunks = async (prefix: string, docs: readonly Descriptor[]) => {
    for (let i = 0; i < docs.length; i += DOCS_PER_ORG_FILE) {
      await write(`org/${prefix}-${pad(i / DOCS_PER_ORG_FILE + 1)}.yaml`, docs.slice(i, i + DOCS_PER_ORG_FILE));
    }
  };
  await chunks('groups', groupDescriptors);
  await chunks('users', users);
  await write('domains.yaml', domainDescriptors);
  for (const system of systems) {
    const systemDoc: Descriptor = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: system.name, title: `System ${system.name.slice('sys-'.length)}` },
      spec: { owner: system.owner.name, domain: system.domain.name },
    };
    await write(`systems/${system.name}/catalog-info.yaml`, [systemDoc, ...system.docs]);
  }

  return {
    counts: { ...plan },
    total: opts.entities,
    files,
    userEmails: users.map((user) => (user.spec.profile as { email: string }).email),
    components: components.map((component) => ({
      name: component.name,
      ownerDisplayName: (component.owner ?? component.system.owner).displayName,
    })),
  };
}
