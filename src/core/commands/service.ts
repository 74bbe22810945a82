import {
  displayNameOf,
  emailOf,
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
import type { EntityRecord, OwnershipFacts, RelationFacts } from '../catalog/records.ts';
import { splitEntityRef, stringifyEntityRef } from '../catalog/refs.ts';
import type { EntityRef, RelationType } from '../catalog/types.ts';
import { safeLink } from '../text.ts';
import type { Block, ListItem, Message, Span } from '../view-model.ts';
import { code, text as plain } from '../view-model.ts';
import { parseArgs } from './args.ts';
import { holdingsButton, membersCommand, namesMissingOwner, refNeededAmong } from './owner.ts';
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
    const { entity } = resolved;
    const relations = await context.store.getRelations({ ref: entity.ref });
    const domainRef = systemDomainRef(relations);
    // The owner /owner names. An owner the entity names itself that the catalog has is that owner, as its relation
    // shows; only otherwise is the store's worked-out owner read (its system's or its domain's), beside the domain.
    const [ownership, domain] = await Promise.all([
      hasOwner(entity) && !ownOwner(relations) ? context.store.getOwnership({ entity }) : undefined,
      domainRef ? context.store.getEntity({ ref: domainRef }) : undefined,
    ]);
    // A missing owner may be a person written as a team (`owner: guest` for `user:guest`): say so.
    const declared = ownership?.declaredOwnerRef;
    const misnamed =
      declared && ownership?.owner?.via !== 'entity' ? await otherKindNamed(context, declared) : undefined;
    const ownerFacts: ServiceOwner = {
      ...(ownership ? { ownership } : {}),
      ...(declared && misnamed ? { hint: misnamedOwnerHint(declared, misnamed) } : {}),
    };
    const systemDomain: RelationFacts | undefined = domainRef
      ? { type: 'partOf', targetRef: domainRef, ...(domain ? { target: domain } : {}) }
      : undefined;
    return serviceAnswer(entity, resolved.nameToType, relations, ownerFacts, systemDomain);
  },
};

/** Backstage gives every kind an owner but Groups, Users and Locations. */
function hasOwner(entity: EntityRecord): boolean {
  return entity.kind !== 'group' && entity.kind !== 'user' && entity.kind !== 'location';
}

/** The owner an entity names itself, when the catalog has it as a team or person (then it is the entity's owner). */
function ownOwner(relations: readonly RelationFacts[]): EntityRecord | undefined {
  const target = relations.find((relation) => relation.type === 'ownedBy')?.target;
  return target && (target.kind === 'group' || target.kind === 'user') ? target : undefined;
}

/** The domain of the entity's system (`spec.domain` of the System it is part of), as a ref; none for a System or Domain. */
function systemDomainRef(relations: readonly RelationFacts[]): EntityRef | undefined {
  const system = relations.find((relation) => relation.type === 'partOf' && relation.targetRef.startsWith('system:'));
  const written = system?.target && specString(system.target, 'domain');
  const parts = written ? splitEntityRef(written) : undefined;
  if (!system?.target || !parts) return undefined;
  return stringifyEntityRef({
    kind: parts.kind ?? 'domain',
    namespace: parts.namespace ?? system.target.namespace,
    name: parts.name,
  });
}

/** Whose the entity is, when its own owner is not in the catalog: the store's answer, and a hint at a misnamed owner. */
interface ServiceOwner {
  ownership?: OwnershipFacts;
  hint?: Block;
}

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
  owner: ServiceOwner,
  systemDomain: RelationFacts | undefined,
): Message {
  const related = (type: RelationType) => relations.filter((relation) => relation.type === type);
  const partOf = related('partOf');
  const ofKind = (kind: string) => partOf.filter((relation) => relation.targetRef.startsWith(`${kind}:`));
  const [system] = ofKind('system');
  // A component's domain is its system's; a System names its own (`spec.domain`), a Domain its parent (`subdomainOf`).
  const [parentDomain = systemDomain] = ofKind('domain');
  const parentComponents = ofKind('component');
  const name = displayNameOf(entity);

  const fields: { label: string; value: Span[] }[] = [{ label: 'Kind', value: [plain(kindLabel(entity))] }];
  const lifecycle = specString(entity, 'lifecycle');
  if (lifecycle) fields.push({ label: 'Lifecycle', value: [plain(lifecycle)] });
  if (hasOwner(entity)) fields.push({ label: 'Owner', value: ownerValue(relations, owner.ownership) });
  if (system) fields.push({ label: 'System', value: [refSpan(system)] });
  if (parentComponents.length > 0) {
    fields.push({ label: 'Part of', value: joinSpans(parentComponents.map(refSpan)) });
  }
  if (parentDomain) {
    fields.push({ label: entity.kind === 'domain' ? 'Parent domain' : 'Domain', value: [refSpan(parentDomain)] });
  }
  const [parentTeam] = related('childOf');
  if (parentTeam) fields.push({ label: 'Parent team', value: [refSpan(parentTeam)] });
  // A person by what reaches them and tells two of the same name apart: their email, and their ref.
  if (entity.kind === 'user') {
    const email = emailOf(entity);
    if (email) fields.push({ label: 'Email', value: [plain(email)] });
    fields.push({ label: 'Ref', value: [code(entity.ref)] });
  }

  const blocks: Block[] = [{ type: 'header', text: name }];
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
  // As /owner says it: the owner the entity names is not in the catalog; the hint at who was meant says so itself.
  const declared = owner.ownership?.declaredOwnerRef;
  if (owner.hint) blocks.push(owner.hint);
  else if (declared) blocks.push({ type: 'context', text: [...namesMissingOwner(name, declared), plain('.')] });
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
    // A team or person has no dependencies and no owner: what they own is what there is to ask next.
    buttons:
      entity.kind === 'group' || entity.kind === 'user'
        ? [holdingsButton(entity)]
        : [
            { label: 'Who owns it', action: 'run', command: `/owner ${nameToType}` },
            { label: 'What it depends on', action: 'run', command: `/deps ${nameToType}` },
            { label: 'What depends on it', action: 'run', command: `/deps ${nameToType} --reverse` },
          ],
  });
  return {
    summary: `${name}: ${kindLabel(entity)}${description ? ` — ${description}` : ''}`,
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

/**
 * The owner /owner names: the one the entity names itself when the catalog has it, else its system's or domain's
 * (`Payments Team (through its system Payments)`), else `none`. A named owner missing from the catalog is explained
 * beside the fields.
 */
function ownerValue(relations: readonly RelationFacts[], ownership: OwnershipFacts | undefined): Span[] {
  const own = ownOwner(relations);
  if (own) return [plain(displayNameOf(own))];
  const owner = ownership?.owner;
  const ownerEntity = owner?.group?.team ?? owner?.user;
  if (!owner || !ownerEntity) return [plain('none')];
  const through = owner.via === 'entity' ? [] : [plain(` (through its ${owner.via} ${titleOf(owner.from)})`)];
  return [plain(displayNameOf(ownerEntity)), ...through];
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
  const refNeeded = refNeededAmong(relations.flatMap((relation) => (relation.target ? [relation.target] : [])));
  const items: ListItem[] = relations.map((relation) => {
    const { target } = relation;
    if (!target) return { text: [code(relation.targetRef)], detail: [plain('not in the catalog')] };
    const ref = refNeeded(target) ? [code(target.ref)] : [];
    if (target.kind === 'user') {
      return { text: [personSpan(target), ...orphanMark(target)], ...(ref.length > 0 ? { detail: ref } : {}) };
    }
    const name = target.kind === 'group' ? displayNameOf(target) : shortName(target);
    return {
      text: [plain(name), ...orphanMark(target)],
      detail: [plain(kindLabel(target)), ...(ref.length > 0 ? [plain(' · '), ...ref] : [])],
    };
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
