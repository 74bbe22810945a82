import {
  kindLabel,
  linksOf,
  repositoryUrl,
  shortName,
  sourceSpan,
  specString,
  tagsOf,
  titleOf,
} from '../catalog/facts.ts';
import type { RelationType } from '../catalog/types.ts';
import type { EntityRecord, RelationFacts } from '../ports.ts';
import type { Block, ListItem, Message, Span } from '../view-model.ts';
import { code, link, text as plain } from '../view-model.ts';
import { resolveEntity, usageAnswer } from './resolve.ts';
import type { CommandDefinition } from './types.ts';

export const serviceCommand: CommandDefinition = {
  name: 'service',
  description: 'What an entity is: description, lifecycle, owner, system, APIs, links and tags.',
  usage: '<name>',
  example: '/service payments-api',
  async run(context, args) {
    const name = args.trim();
    if (!name) return usageAnswer(this.name, this.usage, this.example);
    const resolved = await resolveEntity(context, this.name, name);
    if (resolved.message) return resolved.message;
    const relations = await context.store.getRelations({ ref: resolved.entity.ref });
    return serviceAnswer(resolved.entity, relations);
  },
};

function serviceAnswer(entity: EntityRecord, relations: readonly RelationFacts[]): Message {
  const name = shortName(entity);
  const related = (type: RelationType) => relations.filter((relation) => relation.type === type);
  const system = related('partOf').find((relation) => relation.targetRef.startsWith('system:'));
  const domainRef = system?.target && specString(system.target, 'domain');

  const fields: { label: string; value: Span[] }[] = [{ label: 'Kind', value: [plain(kindLabel(entity))] }];
  const lifecycle = specString(entity, 'lifecycle');
  if (lifecycle) fields.push({ label: 'Lifecycle', value: [plain(lifecycle)] });
  const owner = related('ownedBy')[0];
  fields.push({ label: 'Owner', value: owner ? [refSpan(owner)] : [plain('none')] });
  if (system) fields.push({ label: 'System', value: [refSpan(system)] });
  if (domainRef) fields.push({ label: 'Domain', value: [plain(domainRef)] });

  const blocks: Block[] = [{ type: 'header', text: titleOf(entity) }];
  const source = sourceSpan(entity);
  if (entity.orphan) {
    const where = source ? [plain('. It was defined in '), source, plain(', and')] : [plain('. It')];
    blocks.push({
      type: 'context',
      text: [
        plain('⚠ Orphaned: its source is gone'),
        ...where,
        plain(' will be deleted after the grace period unless the file comes back.'),
      ],
    });
  }
  const description = entity.envelope.metadata.description;
  if (description) blocks.push({ type: 'text', text: [plain(description)] });
  blocks.push({ type: 'fields', fields });
  blocks.push(...relationList('Provides APIs', related('providesApi')));
  blocks.push(...relationList('Consumes APIs', related('consumesApi')));
  blocks.push(...relationList('Provided by', related('apiProvidedBy')));
  blocks.push(...relationList('Depends on', related('dependsOn')));
  blocks.push(...linkList(entity));
  const tags = tagsOf(entity);
  const context: Span[] = [];
  if (tags.length > 0)
    context.push(plain('Tags: '), ...tags.flatMap((tag, i) => (i ? [plain(' '), code(tag)] : [code(tag)])));
  if (source) context.push(plain(`${context.length ? ' · ' : ''}Defined in `), source);
  if (context.length > 0) blocks.push({ type: 'context', text: context });
  blocks.push({
    type: 'actions',
    buttons: [
      { label: 'Who owns it', action: 'run', command: `/owner ${name}` },
      { label: 'What it depends on', action: 'run', command: `/deps ${name}` },
      { label: 'What depends on it', action: 'run', command: `/deps ${name} --reverse` },
    ],
  });
  return {
    summary: `${titleOf(entity)}: ${kindLabel(entity)}${description ? ` — ${description}` : ''}`,
    command: `/service ${name}`,
    blocks,
  };
}

/** A related entity by title when it is in the catalog, else by its ref (a dangling reference). */
function refSpan(relation: RelationFacts): Span {
  return relation.target ? plain(titleOf(relation.target)) : code(relation.targetRef);
}

function relationList(title: string, relations: readonly RelationFacts[]): Block[] {
  if (relations.length === 0) return [];
  const items: ListItem[] = relations.map((relation) => ({
    text: [relation.target ? plain(shortName(relation.target)) : code(relation.targetRef)],
    detail: relation.target ? [plain(kindLabel(relation.target))] : [plain('not in the catalog')],
  }));
  return [{ type: 'list', title, items }];
}

function linkList(entity: EntityRecord): Block[] {
  const items: ListItem[] = [];
  const repository = repositoryUrl(entity);
  if (repository) items.push({ text: [link('Repository', repository)] });
  for (const entry of linksOf(entity)) items.push({ text: [link(entry.title ?? entry.url, entry.url)] });
  return items.length > 0 ? [{ type: 'list', title: 'Links', items }] : [];
}
