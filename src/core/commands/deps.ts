import { z } from 'zod';
import { kindLabel, shortName, titleOf } from '../catalog/facts.ts';
import type { DependencyNode, EntityRecord } from '../ports.ts';
import type { Block, Message } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import { describeIssue, splitArgs } from './args.ts';
import { resolveEntity, usageAnswer } from './resolve.ts';
import type { CommandDefinition } from './types.ts';

export const DEFAULT_DEPTH = 2;
export const MAX_DEPTH = 5;

const DepsOptions = z.object({
  name: z.string({ error: 'a name is required' }),
  reverse: z.boolean(),
  depth: z.coerce
    .number({ error: `expected a whole number from 1 to ${MAX_DEPTH}` })
    .int(`expected a whole number from 1 to ${MAX_DEPTH}`)
    .min(1, `expected a whole number from 1 to ${MAX_DEPTH}`)
    .max(MAX_DEPTH, `at most ${MAX_DEPTH}: deeper graphs answer "everything"`),
});

export const depsCommand: CommandDefinition = {
  name: 'deps',
  description: 'What an entity depends on, or with --reverse what depends on it (the blast radius).',
  usage: '<name> [--reverse] [--depth N]',
  example: '/deps payments-api --reverse',
  async run(context, args) {
    const { words, options } = splitArgs(args, ['depth']);
    if (words.length === 0) return usageAnswer(this.name, this.usage, this.example);
    const unknown = [...options.keys()].filter((flag) => flag !== 'reverse' && flag !== 'depth');
    if (unknown.length > 0 || words.length > 1) {
      const problem =
        unknown.length > 0 ? `Unknown option --${unknown[0]}` : `Expected one name, got "${words.join(' ')}"`;
      return inputProblem(`${problem}.`, this.usage, this.example);
    }
    const parsed = DepsOptions.safeParse({
      name: words[0],
      reverse: options.get('reverse') === true,
      depth: options.get('depth') ?? DEFAULT_DEPTH,
    });
    if (!parsed.success) return inputProblem(`${describeIssue(parsed.error, '--depth')}.`, this.usage, this.example);
    const { name, reverse, depth } = parsed.data;

    const resolved = await resolveEntity(context, this.name, name);
    if (resolved.message) return resolved.message;
    const nodes = await context.store.getDependencies({
      ref: resolved.entity.ref,
      direction: reverse ? 'up' : 'down',
      depth,
    });
    return depsAnswer(resolved.entity, nodes, reverse, depth);
  },
};

function inputProblem(problem: string, usage: string, example: string): Message {
  return {
    summary: problem,
    blocks: [
      { type: 'text', text: [plain(problem)] },
      { type: 'context', text: [plain('Usage: '), code(`/deps ${usage}`), plain(', for example '), code(example)] },
    ],
  };
}

/** Components reached: "services" in the blast-radius sense. */
function countServices(nodes: readonly DependencyNode[]): number {
  return nodes.filter((node) => node.entity.kind === 'component').length;
}

function depsAnswer(entity: EntityRecord, nodes: readonly DependencyNode[], reverse: boolean, depth: number): Message {
  const name = shortName(entity);
  const subject = titleOf(entity);
  const command = `/deps ${name}${reverse ? ' --reverse' : ''}${depth === DEFAULT_DEPTH ? '' : ` --depth ${depth}`}`;
  const services = countServices(nodes);
  const headline = reverse
    ? nodes.length === 0
      ? `Nothing depends on ${subject}`
      : `${nodes.length} ${plural(nodes.length, 'entity', 'entities')} depend on ${subject}`
    : nodes.length === 0
      ? `${subject} depends on nothing in the catalog`
      : `${subject} depends on ${nodes.length} ${plural(nodes.length, 'entity', 'entities')}`;
  const blocks: Block[] = [{ type: 'header', text: headline }];
  if (reverse && nodes.length > 0) {
    blocks.push({
      type: 'text',
      text: [
        plain('Blast radius: '),
        strong(`${services} ${plural(services, 'service', 'services')}`),
        plain(` within ${depth} ${plural(depth, 'hop', 'hops')} would be affected if ${subject} is down.`),
      ],
    });
  }
  const titles = new Map(nodes.map((node) => [node.entity.ref, shortName(node.entity)]));
  titles.set(entity.ref, name);
  for (let level = 1; level <= depth; level++) {
    const atLevel = nodes.filter((node) => node.depth === level);
    if (atLevel.length === 0) continue;
    blocks.push({
      type: 'list',
      title: level === 1 ? (reverse ? 'Directly' : 'Direct') : `${level} hops away`,
      items: atLevel.map((node) => ({
        text: [strong(shortName(node.entity))],
        detail: [plain(`${kindLabel(node.entity)} · ${viaText(node, titles, reverse)}`)],
      })),
      moreCommand: `/deps ${name}${reverse ? ' --reverse' : ''} --depth 1`,
    });
  }
  if (depth < MAX_DEPTH && nodes.some((node) => node.depth === depth)) {
    blocks.push({
      type: 'context',
      text: [
        plain('There may be more further out: '),
        code(`${command.replace(/ --depth \d+$/, '')} --depth ${depth + 1}`),
      ],
    });
  }
  blocks.push({
    type: 'actions',
    buttons: [
      reverse
        ? { label: 'What it depends on', action: 'run', command: `/deps ${name}` }
        : { label: 'What depends on it', action: 'run', command: `/deps ${name} --reverse` },
      { label: 'Who owns it', action: 'run', command: `/owner ${name}` },
    ],
  });
  const summary =
    reverse && nodes.length > 0
      ? `${headline}; blast radius ${services} ${plural(services, 'service', 'services')}.`
      : `${headline}.`;
  return { summary, command, blocks };
}

function viaText(node: DependencyNode, titles: Map<string, string>, reverse: boolean): string {
  const via = titles.get(node.viaRef) ?? node.viaRef;
  if (node.apiRef)
    return reverse
      ? `consumes its API ${apiName(node.apiRef)} (via ${via})`
      : `provides ${apiName(node.apiRef)} to ${via}`;
  return reverse ? `depends on ${via}` : `needed by ${via}`;
}

function apiName(ref: string): string {
  return ref.replace(/^api:(default\/)?/, '');
}

function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}
