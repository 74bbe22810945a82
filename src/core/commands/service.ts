import {
  displayNameOf,
  kindLabel,
  linksOf,
  orphanMark,
  personSpan,
  repositoryUrl,
  shortName,
  sourceSpan,
  specString,
  tagsOf,
  titleOf,
} from '../catalog/facts.ts';
import type { EntityRecord, RelationFacts } from '../catalog/records.ts';
import type { RelationType } from '../catalog/types.ts';
import { safeLink } from '../text.ts';
import type { Block, ListItem, Message, Span } from '../view-model.ts';
import { code, text as plain } from '../view-model.ts';
import { parseArgs } from './args.ts';
import { membersCommand } from './owner.ts';
import { inputProblemAnswer, misnamedOwnerHint, otherKindNamed, resolveEntity, usageAnswer } from './resolve.ts';
import type { CommandDefinition } from './types.ts';

export const serviceCommand: CommandDefinition = {
  name: 'service',
  description: 'What an entity is: description, lifecycle, owner, system, APIs, parts, teams, links and tags.',
  usage: '<name>',
  example: '/service payments-api',
  async run(context, args) {
    const parsed = parseArgs(args, {}, `/${this.name}`);
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    if (!parsed.text) return usageAnswer(this.name, this.usage, this.example);
    const resolved = await resolveEntity(context, this.name, parsed.text);
    if (resolved.message) return resolved.message;
    const relations = await context.store.getRelations({ ref: resolved.entity.ref });
    // A missing owner may be a person written as a team (`owner: guest` for `user:guest`): say so.
    const dangling = relations.find((relation) => relation.type === 'ownedBy' && !relation.target);
    const misnamed = dangling ? await otherKindNamed(context, dangling.targetRef) : undefined;
    const hint = dangling && misnamed ? misnamedOwnerHint(dangling.targetRef, misnamed) : undefined;
    return serviceAnswer(resolved.entity, resolved.nameToType, relations, hint);
  },
};

/**
 * What an entity is, with every relation Backstage's entity page shows: owner; system and domain; the parts of a
 * component, system or domain and what they are part of (`partOf`/`hasPart`, from `subcomponentOf`, `system`,
 * `domain` and `subdomainOf`); APIs provided, consumed and who provides or consumes an API; dependencies; a Group's
 * parent, sub-teams and members; a User's groups.
 */
function serviceAnswer(
  entity: EntityRecord,
  nameToType: string,
  relations: readonly RelationFacts[],
  ownerHint: Block | undefined,
): Message {
  const related = (type: RelationType) => relations.filter((relation) => relation.type === type);
  const partOf = related('partOf');
  const ofKind = (kind: string) => partOf.filter((relation) => relation.targetRef.startsWith(`${kind}:`));
  const [system] = ofKind('system');
  const [parentDomain] = ofKind('domain');
  const parentComponents = ofKind('component');
  // A component's domain is its system's; a System names its own (`spec.domain`), a Domain its parent (`subdomainOf`).
  const systemDomain = system?.target && specString(system.target, 'domain');

  const fields: { label: string; value: Span[] }[] = [{ label: 'Kind', value: [plain(kindLabel(entity))] }];
  const lifecycle = specString(entity, 'lifecycle');
  if (lifecycle) fields.push({ label: 'Lifecycle', value: [plain(lifecycle)] });
  if (entity.kind !== 'group' && entity.kind !== 'user' && entity.kind !== 'location') {
    const [owner] = related('ownedBy');
    fields.push({ label: 'Owner', value: owner ? [refSpan(owner)] : [plain('none')] });
  }
  if (system) fields.push({ label: 'System', value: [refSpan(system)] });
  if (parentComponents.length > 0) {
    fields.push({ label: 'Part of', value: joinSpans(parentComponents.map(refSpan)) });
  }
  if (parentDomain) {
    fields.push({ label: entity.kind === 'domain' ? 'Parent domain' : 'Domain', value: [refSpan(parentDomain)] });
  } else if (systemDomain) {
    fields.push({ label: 'Domain', value: [plain(systemDomain)] });
  }
  const [parentTeam] = related('childOf');
  if (parentTeam) fields.push({ label: 'Parent team', value: [refSpan(parentTeam)] });

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
  if (ownerHint) blocks.push(ownerHint);
  blocks.push(...relationList(partsTitle(entity), related('hasPart')));
  blocks.push(...relationList('Provides APIs', related('providesApi')));
  blocks.push(...relationList('Consumes APIs', related('consumesApi')));
  blocks.push(...relationList('Provided by', related('apiProvidedBy')));
  blocks.push(...relationList('Consumed by', related('apiConsumedBy')));
  blocks.push(...relationList('Depends on', related('dependsOn')));
  blocks.push(...relationList('Sub-teams', related('parentOf')));
  // In the order `/owner <team> --members` pages them, so a cut list's "…and N more" continues where it stopped.
  blocks.push(...relationList('Members', byMemberOrder(related('hasMember')), membersCommand(entity)));
  blocks.push(...relationList('Member of', related('memberOf')));
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
      { label: 'Who owns it', action: 'run', command: `/owner ${nameToType}` },
      { label: 'What it depends on', action: 'run', command: `/deps ${nameToType}` },
      { label: 'What depends on it', action: 'run', command: `/deps ${nameToType} --reverse` },
    ],
  });
  return {
    summary: `${titleOf(entity)}: ${kindLabel(entity)}${description ? ` — ${description}` : ''}`,
    command: `/service ${nameToType}`,
    blocks,
  };
}

/** What Backstage calls the `hasPart` relations of each kind. */
function partsTitle(entity: EntityRecord): string {
  if (entity.kind === 'component') return 'Subcomponents';
  if (entity.kind === 'domain') return 'Systems and subdomains';
  return 'Parts';
}

/** A related entity by name when it is in the catalog (a person or team by display name), else by its ref. */
function refSpan(relation: RelationFacts): Span {
  if (!relation.target) return code(relation.targetRef);
  if (relation.target.kind === 'group' || relation.target.kind === 'user') return plain(displayNameOf(relation.target));
  return plain(titleOf(relation.target));
}

function joinSpans(spans: readonly Span[]): Span[] {
  return spans.flatMap((span, i) => (i === 0 ? [span] : [plain(', '), span]));
}

/** Members as a team's card orders them (name, then ref; see `toTeamFacts`), those not in the catalog last. */
function byMemberOrder(relations: readonly RelationFacts[]): RelationFacts[] {
  const key = (relation: RelationFacts) => relation.target?.name.toLowerCase();
  return [...relations].sort((a, b) => {
    const [ka, kb] = [key(a), key(b)];
    if (ka === undefined || kb === undefined) return ka === kb ? a.targetRef.localeCompare(b.targetRef) : ka ? -1 : 1;
    return ka.localeCompare(kb) || a.targetRef.localeCompare(b.targetRef);
  });
}

/** A relation list; `moreCommand` (paged from 0) is where a renderer that cuts it sends the reader for the rest. */
function relationList(title: string, relations: readonly RelationFacts[], moreCommand?: string): Block[] {
  if (relations.length === 0) return [];
  const items: ListItem[] = relations.map((relation) => {
    const { target } = relation;
    if (!target) return { text: [code(relation.targetRef)], detail: [plain('not in the catalog')] };
    if (target.kind === 'user') return { text: [personSpan(target), ...orphanMark(target)] };
    const name = target.kind === 'group' ? displayNameOf(target) : shortName(target);
    return { text: [plain(name), ...orphanMark(target)], detail: [plain(kindLabel(target))] };
  });
  return [{ type: 'list', title, items, ...(moreCommand ? { moreCommand, offset: 0 } : {}) }];
}

/** The repository and `metadata.links`; a URL that is not http(s) or mailto is shown as text, not linked. */
function linkList(entity: EntityRecord): Block[] {
  const items: ListItem[] = [];
  const repository = repositoryUrl(entity);
  if (repository) items.push({ text: [safeLink('Repository', repository)] });
  for (const entry of linksOf(entity)) items.push({ text: [safeLink(entry.title?.trim() || entry.url, entry.url)] });
  return items.length > 0 ? [{ type: 'list', title: 'Links', items }] : [];
}
