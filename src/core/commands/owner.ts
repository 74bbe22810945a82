import {
  channelOf,
  kindLabel,
  onCallOf,
  orphanNotice,
  personSpan,
  repositoryUrl,
  shortName,
  teamName,
  titleOf,
} from '../catalog/facts.ts';
import type { EntityRecord, HoldingsFacts, OwnershipFacts, TeamFacts } from '../ports.ts';
import type { Block, Button, Message, Span } from '../view-model.ts';
import { code, link, text as plain, strong } from '../view-model.ts';
import { explainResolution, SUGGESTIONS, usageAnswer } from './resolve.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** Rows of owned entities fetched for a team; the renderer cuts further to fit the platform's limits. */
const HOLDINGS_LIMIT = 500;

export const ownerCommand: CommandDefinition = {
  name: 'owner',
  description: 'Who owns a service, API or resource, and how to reach them; for a team or person, what they own.',
  usage: '<name>',
  example: '/owner payments-api',
  async run(context, args) {
    const name = args.trim();
    if (!name) return usageAnswer(this.name, this.usage, this.example);
    // One round trip: the name and, for anything but a team or a person, its owner.
    const { platform } = context;
    const { resolution, ownership } = await context.store.findOwnership({
      text: name,
      suggestionLimit: SUGGESTIONS,
      platform,
    });
    const resolved = explainResolution(this.name, name, resolution);
    if (resolved.message) return resolved.message;
    const { entity } = resolved;
    if (entity.kind === 'group' || entity.kind === 'user') return holdingsAnswer(context, entity);
    return ownershipAnswer(ownership ?? (await context.store.getOwnership({ entity, platform })));
  },
};

function ownershipAnswer(facts: OwnershipFacts): Message {
  const { entity, owner } = facts;
  const command = `/owner ${shortName(entity)}`;
  const subject = titleOf(entity);
  if (!owner) {
    const declared = facts.declaredOwnerRef;
    return {
      summary: `${subject} has no owner in the catalog.`,
      command,
      blocks: [
        { type: 'header', text: `${subject} has no owner` },
        ...orphanBlocks(entity),
        {
          type: 'text',
          text: declared
            ? [plain('It names '), code(declared), plain(' as owner, but the catalog has no such team or person.')]
            : [plain('Neither it nor its system or domain names an owner.')],
        },
        {
          type: 'context',
          text: [plain('Add '), code('spec.owner'), plain(" to its catalog-info.yaml, or to its system's.")],
        },
        entityButtons(entity),
      ],
    };
  }

  const ownerEntity = owner.group?.team ?? owner.user;
  const ownerName = owner.group ? teamName(owner.group.team) : owner.user ? titleOf(owner.user) : '';
  const blocks: Block[] = [{ type: 'header', text: `${subject} is owned by ${ownerName}` }, ...orphanBlocks(entity)];
  if (owner.via !== 'entity') {
    const why = facts.declaredOwnerRef
      ? [plain(`${subject} names `), code(facts.declaredOwnerRef), plain(', which is not in the catalog, so this is ')]
      : [plain(`${subject} names no owner, so this is `)];
    blocks.push({
      type: 'context',
      text: [...why, plain(`the owner of its ${owner.via} `), strong(titleOf(owner.from)), plain('.')],
    });
  }
  if (owner.group) {
    blocks.push(...teamBlocks(owner.group, entity));
  } else if (owner.user) {
    blocks.push({
      type: 'fields',
      fields: [{ label: 'Owner', value: [personSpan(owner.user)] }, ...repositoryField(entity)],
    });
  }
  const buttons: Button[] = [];
  if (ownerEntity)
    buttons.push({ label: `Everything ${ownerName} owns`, action: 'run', command: `/owner ${ownerEntity.ref}` });
  return {
    summary: `${subject} is owned by ${ownerName}.`,
    command,
    blocks: [...blocks, entityButtons(entity, buttons)],
  };
}

/** Team, parent, channel, on-call and repository, then the members. `subject` contributes its own on-call and repository. */
function teamBlocks(team: TeamFacts, subject?: EntityRecord): Block[] {
  const fields: { label: string; value: Span[] }[] = [{ label: 'Team', value: [strong(teamName(team.team))] }];
  const [parent] = team.parents;
  if (parent) {
    const chain = team.parents.map((group) => teamName(group)).join(' › ');
    fields.push({ label: team.parents.length > 1 ? 'Part of' : 'Parent team', value: [plain(chain)] });
  }
  const channel = channelOf(team.team);
  fields.push({ label: 'Channel', value: channel ? [channel] : [plain('none set (slack.com/bot-notify)')] });
  const onCall = (subject && onCallOf(subject)) ?? onCallOf(team.team);
  if (onCall) fields.push({ label: 'On call', value: [onCall] });
  if (subject) fields.push(...repositoryField(subject));

  const blocks: Block[] = [{ type: 'fields', fields }];
  const description = team.team.envelope.metadata.description;
  if (description) blocks.push({ type: 'context', text: [plain(description)] });
  blocks.push({
    type: 'list',
    title: `Members (${team.members.length})`,
    items: team.members.map((member) => ({ text: [personSpan(member)] })),
  });
  return blocks;
}

/** The "⚠ Orphaned" line under the header, for an entity whose source no longer holds it. */
function orphanBlocks(entity: EntityRecord): Block[] {
  return entity.orphan ? [{ type: 'context', text: orphanNotice(entity) }] : [];
}

function repositoryField(entity: EntityRecord): { label: string; value: Span[] }[] {
  const url = repositoryUrl(entity);
  return url ? [{ label: 'Repository', value: [link(url.replace(/^https?:\/\//, ''), url)] }] : [];
}

function entityButtons(entity: EntityRecord, extra: Button[] = []): Block {
  const name = shortName(entity);
  return {
    type: 'actions',
    buttons: [
      { label: `About ${name}`, action: 'run', command: `/service ${name}` },
      { label: 'What it depends on', action: 'run', command: `/deps ${name}` },
      { label: 'What depends on it', action: 'run', command: `/deps ${name} --reverse` },
      ...extra,
    ],
  };
}

async function holdingsAnswer(context: CommandContext, entity: EntityRecord): Promise<Message> {
  const isGroup = entity.kind === 'group';
  const [holdings, team] = await Promise.all([
    context.store.getHoldings({ ref: entity.ref, limit: HOLDINGS_LIMIT }),
    isGroup ? context.store.getTeam({ ref: entity.ref, platform: context.platform }) : undefined,
  ]);
  const name = isGroup ? teamName(entity) : titleOf(entity);
  const blocks: Block[] = [
    { type: 'header', text: `${name} owns ${countLabel(holdings.total)}` },
    ...orphanBlocks(entity),
  ];
  if (team) blocks.push(...teamBlocks(team));
  blocks.push(ownedList(entity, holdings));
  return {
    summary: `${name} owns ${countLabel(holdings.total)}.`,
    command: `/owner ${shortName(entity)}`,
    blocks,
  };
}

function ownedList(owner: EntityRecord, holdings: HoldingsFacts): Block {
  const subTeams = holdings.groups.filter((group) => group.ref !== owner.ref);
  const title =
    subTeams.length > 0 ? `Owned by ${titleOf(owner)} and ${subTeams.length} more teams` : `Owned by ${titleOf(owner)}`;
  const names = new Map(holdings.groups.map((group) => [group.ref, teamName(group)]));
  return {
    type: 'list',
    title,
    items: holdings.owned.map(({ entity, ownerRef }) => ({
      text: [strong(shortName(entity))],
      detail: [
        plain(kindLabel(entity)),
        ...(ownerRef !== owner.ref && names.has(ownerRef) ? [plain(` · ${names.get(ownerRef)}`)] : []),
      ],
    })),
    omitted: holdings.total - holdings.owned.length,
    moreCommand: `/find owner:${owner.name}`,
  };
}

function countLabel(count: number): string {
  return count === 1 ? '1 entity' : `${count} entities`;
}
