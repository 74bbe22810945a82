import { z } from 'zod';
import { displayNameOf, kindLabel, orphanMark, shortName, specString, titleOf } from '../catalog/facts.ts';
import type { DependencyNode, EntityRecord } from '../catalog/records.ts';
import { countOf, formatNumber, plural } from '../text.ts';
import type { Block, ListItem, Message, Span } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import { booleanFlag, givenFlags, offsetFlag, parseArgs, valueFlag } from './args.ts';
import { holdingsButton } from './owner.ts';
import { inputProblemAnswer, resolveNamed, usageAnswer } from './resolve.ts';
import type { CommandDefinition } from './types.ts';

export const DEFAULT_DEPTH = 2;
export const MAX_DEPTH = 5;
/** Entities one answer lists; `--offset` pages through the rest. A chat answer is read, not scrolled. */
export const DEPS_PAGE = 50;

const DEPTH_EXPECTED = `a whole number from 1 to ${MAX_DEPTH}`;

const DEPS_FLAGS = {
  reverse: booleanFlag(),
  depth: valueFlag({
    schema: z.coerce
      .number({ error: `expected ${DEPTH_EXPECTED}` })
      .int(`expected ${DEPTH_EXPECTED}`)
      .min(1, `expected ${DEPTH_EXPECTED}`)
      .max(MAX_DEPTH, `at most ${MAX_DEPTH} (any deeper, and the answer is most of the catalog)`),
    expected: DEPTH_EXPECTED,
    synopsis: '--depth N',
  }),
  offset: offsetFlag,
};

export const depsCommand: CommandDefinition = {
  name: 'deps',
  description: 'What an entity depends on, or with --reverse what depends on it (the blast radius).',
  usage: '<name> [--reverse] [--depth N] [--offset N]',
  example: '/deps payments-api --reverse',
  async run(context, args) {
    const parsed = parseArgs(args, DEPS_FLAGS, `/${this.name}`);
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    if (parsed.text === '') return usageAnswer(this.name, this.usage, this.example);
    const { reverse, depth = DEFAULT_DEPTH, offset = 0 } = parsed.flags;

    // --reverse and --depth apply to any entity: a candidate's or suggestion's button keeps them, from the first page.
    const resolved = await resolveNamed(context, {
      command: this.name,
      name: parsed.text,
      flags: givenFlags(parsed, DEPS_FLAGS, { omit: ['offset'] }),
    });
    if (resolved.message) return resolved.message;
    const { entity } = resolved;
    if (entity.kind === 'group' || entity.kind === 'user') return ownersHaveNoDependencies(entity);
    // One level more than asked (below the cap), only to know whether a "--depth N+1" hint would show anything.
    const walked = await context.store.getDependencies({
      ref: entity.ref,
      direction: reverse ? 'up' : 'down',
      depth: Math.min(depth + 1, MAX_DEPTH),
    });
    const nodes = walked.filter((node) => node.depth <= depth);
    const deeper = walked.length > nodes.length;
    return depsAnswer({
      entity,
      nameToType: resolved.nameToType,
      nodes,
      reverse,
      depth,
      offset,
      deeper,
    });
  },
};

/**
 * `/deps` on a team or a person: in Backstage's model dependencies run between components, APIs, resources and
 * systems, so "nothing depends on Payments Team" would read as "no blast radius". Says so, and offers what they own.
 */
function ownersHaveNoDependencies(entity: EntityRecord): Message {
  const name = displayNameOf(entity);
  const what = entity.kind === 'group' ? 'a team' : 'a person';
  const text = `${name} is ${what}: dependencies run between components, APIs, resources and systems, not ${
    entity.kind === 'group' ? 'teams' : 'people'
  }. What ${name} owns: `;
  return {
    summary: `${text}/owner ${entity.ref}`,
    command: `/deps ${entity.ref}`,
    blocks: [
      { type: 'text', text: [plain(text), code(`/owner ${entity.ref}`)] },
      { type: 'actions', buttons: [holdingsButton(entity)] },
    ],
  };
}

/** Backstage's component types, with their plurals; any other type is counted as "other". */
const COMPONENT_TYPES: Readonly<Record<string, string>> = {
  service: 'services',
  website: 'websites',
  library: 'libraries',
};

/**
 * The blast radius in words: the Components reached (an API, Resource or System depending on it is no running thing
 * to be affected; refs missing from the catalog are not counted), named by type so the number and the words agree:
 * `4 services` when every one is a service, `2 components (1 service, 1 website)` when types are mixed.
 */
function blastRadius(nodes: readonly DependencyNode[]): string {
  const byType = new Map<string, number>();
  for (const node of nodes) {
    if (node.entity?.kind !== 'component') continue;
    const type = specString(node.entity, 'type')?.toLowerCase() ?? '';
    const key = Object.hasOwn(COMPONENT_TYPES, type) ? type : 'other';
    byType.set(key, (byType.get(key) ?? 0) + 1);
  }
  const total = [...byType.values()].reduce((sum, count) => sum + count, 0);
  const parts = [...Object.keys(COMPONENT_TYPES), 'other'].flatMap((type) => {
    const count = byType.get(type);
    return count === undefined ? [] : [countOf(count, type, COMPONENT_TYPES[type] ?? type)];
  });
  const [only] = parts;
  if (parts.length === 1 && only !== undefined && !byType.has('other')) return only;
  return `${countOf(total, 'component')}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

interface DepsView {
  entity: EntityRecord;
  nameToType: string;
  /** Every node, by depth then ref (the store's order): the answer pages through them. */
  nodes: readonly DependencyNode[];
  reverse: boolean;
  depth: number;
  offset: number;
  /** Whether anything lies one level further than `depth`: only then does the answer offer `--depth N+1`. */
  deeper: boolean;
}

function depsAnswer(view: DepsView): Message {
  const { entity, nameToType, nodes, reverse, depth, offset, deeper } = view;
  const subject = titleOf(entity);
  // The command without --offset: paged lists and "further out" hints continue it.
  const base = `/deps ${nameToType}${reverse ? ' --reverse' : ''}${depth === DEFAULT_DEPTH ? '' : ` --depth ${depth}`}`;
  const command = offset > 0 ? `${base} --offset ${offset}` : base;
  const radius = blastRadius(nodes);
  const total = nodes.length;
  const entities = countOf(total, 'entity', 'entities');
  const headline = reverse
    ? total === 0
      ? `Nothing depends on ${subject}`
      : `${entities} ${plural(total, 'depends', 'depend')} on ${subject}`
    : total === 0
      ? `${subject} depends on nothing in the catalog`
      : `${subject} depends on ${entities}`;
  const blocks: Block[] = [{ type: 'header', text: headline }];
  if (reverse && total > 0) {
    blocks.push({
      type: 'text',
      text: [
        plain('Blast radius: '),
        strong(radius),
        plain(` within ${countOf(depth, 'hop')} would be affected if ${subject} is down.`),
      ],
    });
  }

  const end = Math.min(total, offset + DEPS_PAGE);
  if (total > 0 && offset >= total) {
    blocks.push({
      type: 'context',
      text: [
        plain(
          `Nothing from item ${offset + 1}: there ${plural(total, 'is', 'are')} ${entities} in all. The first page: `,
        ),
        code(base),
      ],
    });
  } else if (offset > 0 || end < total) {
    blocks.push({
      type: 'context',
      text: [plain(`Showing ${formatNumber(offset + 1)}–${formatNumber(end)} of ${formatNumber(total)}.`)],
    });
  }
  blocks.push(...levelLists({ ...view, base, end }));

  if (depth < MAX_DEPTH && deeper) {
    blocks.push({
      type: 'context',
      text: [plain('There is more further out: '), code(`${base.replace(/ --depth \d+$/, '')} --depth ${depth + 1}`)],
    });
  }
  blocks.push({
    type: 'actions',
    buttons: [
      reverse
        ? { label: 'What it depends on', action: 'run', command: `/deps ${nameToType}` }
        : { label: 'What depends on it', action: 'run', command: `/deps ${nameToType} --reverse` },
      { label: 'Who owns it', action: 'run', command: `/owner ${nameToType}` },
    ],
  });
  const summary = reverse && total > 0 ? `${headline}; blast radius ${radius}.` : `${headline}.`;
  return { summary, command, blocks };
}

/**
 * One list per distance, for the nodes from `offset` to `end`. Distances are contiguous in the store's order, so
 * only the last list of a page can be cut short: it counts everything after the page as omitted, and every list is
 * a page (`offset` set), so "…and N more" continues exactly where the list stopped.
 */
function levelLists(view: DepsView & { base: string; end: number }): Block[] {
  const { entity, nodes, reverse, offset, end, base } = view;
  const titles = new Map(nodes.map((node) => [node.ref, node.entity ? shortName(node.entity) : node.ref]));
  titles.set(entity.ref, shortName(entity));
  const blocks: Block[] = [];
  let position = offset;
  while (position < end) {
    const level = nodes[position]?.depth ?? 0;
    const start = position;
    while (position < end && nodes[position]?.depth === level) position++;
    const last = position === end;
    blocks.push({
      type: 'list',
      title: level === 1 ? (reverse ? 'Directly' : 'Direct') : `${level} hops away`,
      items: nodes.slice(start, position).map((node) => dependencyItem(node, titles, reverse)),
      omitted: last ? nodes.length - end : 0,
      moreCommand: base,
      offset: start,
    });
  }
  return blocks;
}

function dependencyItem(node: DependencyNode, titles: Map<string, string>, reverse: boolean): ListItem {
  const via = viaText(node, titles, reverse);
  if (!node.entity) return { text: [code(node.ref)], detail: [plain(`not in the catalog · ${via}`)] };
  const text: Span[] = [strong(shortName(node.entity)), ...orphanMark(node.entity)];
  return { text, detail: [plain(`${kindLabel(node.entity)} · ${via}`)] };
}

function viaText(node: DependencyNode, titles: Map<string, string>, reverse: boolean): string {
  const via = titles.get(node.viaRef) ?? node.viaRef;
  // Walked from an API itself: its providers (down) and consumers (up).
  if (node.apiRef !== undefined && node.apiRef === node.viaRef) return reverse ? `consumes ${via}` : `provides ${via}`;
  // An API consumed but missing from the catalog.
  if (node.apiRef !== undefined && node.apiRef === node.ref) return `API consumed by ${via}`;
  if (node.apiRef !== undefined)
    return reverse
      ? `consumes its API ${apiName(node.apiRef)} (via ${via})`
      : `provides ${apiName(node.apiRef)} to ${via}`;
  return reverse ? `depends on ${via}` : `needed by ${via}`;
}

function apiName(ref: string): string {
  return ref.replace(/^api:(default\/)?/, '');
}
