import { ANNOTATIONS, botNotifyProblem } from '../catalog/annotations.ts';
import {
  annotation,
  channelOf,
  displayNameOf,
  emailOf,
  kindLabel,
  locationTargetsOf,
  onCallOf,
  orphanMark,
  orphanNotice,
  personSpan,
  repositoryUrl,
  shortName,
  sourceSpan,
  teamName,
  titleOf,
} from '../catalog/facts.ts';
import type { EntityRecord, HoldingsFacts, OwnershipFacts, PersonRecord, TeamFacts } from '../catalog/records.ts';
import type { EntityRef } from '../catalog/types.ts';
import { countOf, formatNumber, safeLink, wordList } from '../text.ts';
import type { Block, Button, ListItem, Message, Span } from '../view-model.ts';
import { code, text as plain, strong } from '../view-model.ts';
import { booleanFlag, givenFlags, notApplicable, offsetFlag, parseArgs } from './args.ts';
import {
  explainResolution,
  inputProblemAnswer,
  misnamedOwnerHint,
  otherKindNamed,
  SUGGESTIONS,
  usageAnswer,
} from './resolve.ts';
import type { CommandContext, CommandDefinition } from './types.ts';

/** Owned entities one answer lists; `--offset` pages through the rest. A chat answer is read, not scrolled. */
export const HOLDINGS_PAGE = 50;
/** Members one answer lists; `/owner <team> --members --offset N` pages through the rest. */
export const MEMBERS_PAGE = 50;

const OWNER_FLAGS = { members: booleanFlag(), offset: offsetFlag };

export const ownerCommand: CommandDefinition = {
  name: 'owner',
  description: 'Who owns a service, API or resource, and how to reach them; for a team or person, what they own.',
  usage: '<name> [--members] [--offset N]',
  example: '/owner payments-api',
  async run(context, args) {
    const parsed = parseArgs(args, OWNER_FLAGS, `/${this.name}`);
    if (!parsed.ok) return inputProblemAnswer(this, parsed.problem);
    const name = parsed.text;
    if (!name) return usageAnswer(this.name, this.usage, this.example);
    // One round trip: the name and, for anything but a team or a person, its owner.
    const { platform } = context;
    const { resolution, ownership } = await context.store.findOwnership({
      text: name,
      suggestionLimit: SUGGESTIONS,
      platform,
    });
    // A button for another entity keeps the flags, but starts at its first page and lists members only for a team.
    const resolved = explainResolution(
      {
        command: this.name,
        name,
        flags: givenFlags(parsed, OWNER_FLAGS, { omit: ['offset'] }),
        flagsOnlyFor: { members: { kinds: ['group'], noun: 'a team' } },
      },
      resolution,
    );
    if (resolved.message) return resolved.message;
    const { entity, nameToType } = resolved;
    const offset = parsed.flags.offset ?? 0;
    if (entity.kind === 'group') {
      return parsed.flags.members ? membersAnswer(context, entity, offset) : holdingsAnswer(context, entity, offset);
    }
    // Flags that do not apply to what the name turned out to be are refused, never ignored.
    const inapplicable = parsed.given.filter((flag) => flag === 'members' || entity.kind !== 'user');
    if (inapplicable.length > 0) {
      return inputProblemAnswer(
        this,
        notApplicable(
          inapplicable,
          // A person by the name people know them by; anything else by what to type.
          `${entity.kind === 'user' ? displayNameOf(entity) : shortName(entity)}, ${withArticle(entity.envelope.kind)}`,
          wordList(
            [
              inapplicable.includes('offset') ? "only a team's or a person's list of what they own has pages" : '',
              inapplicable.includes('members') ? 'only a team has members to list' : '',
            ].filter(Boolean),
          ),
        ),
      );
    }
    if (entity.kind === 'user') return holdingsAnswer(context, entity, offset);
    if (entity.kind === 'location') return locationAnswer(entity, nameToType);
    const facts = ownership ?? (await context.store.getOwnership({ entity, platform }));
    // Only when the owner it names is missing: is there a team or person of that name under the other kind?
    const declared = facts.declaredOwnerRef;
    const misnamed = declared && facts.owner?.via !== 'entity' ? await otherKindNamed(context, declared) : undefined;
    return ownershipAnswer(facts, nameToType, misnamed);
  },
};

function ownershipAnswer(facts: OwnershipFacts, nameToType: string, misnamed: EntityRecord | undefined): Message {
  const { entity, owner } = facts;
  const command = `/owner ${nameToType}`;
  const subject = titleOf(entity);
  const declared = facts.declaredOwnerRef;
  const hint = declared && misnamed ? [misnamedOwnerHint(declared, misnamed)] : [];
  if (!owner) {
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
        ...hint,
        {
          type: 'context',
          text: declared
            ? [plain('Fix '), code('spec.owner'), plain(' in its catalog-info.yaml, or add that owner to the catalog.')]
            : [plain('Add '), code('spec.owner'), plain(" to its catalog-info.yaml, or to its system's.")],
        },
        entityButtons(nameToType),
      ],
    };
  }

  const ownerEntity = owner.group?.team ?? owner.user;
  const ownerName = owner.group ? teamName(owner.group.team) : owner.user ? displayNameOf(owner.user) : '';
  const blocks: Block[] = [{ type: 'header', text: `${subject} is owned by ${ownerName}` }, ...orphanBlocks(entity)];
  if (owner.via !== 'entity') {
    const why = declared
      ? [...namesMissingOwner(subject, declared), plain(', so this is ')]
      : [plain(`${subject} names no owner, so this is `)];
    blocks.push({
      type: 'context',
      text: [...why, plain(`the owner of its ${owner.via} `), strong(titleOf(owner.from)), plain('.')],
    });
    blocks.push(...hint);
  }
  if (owner.group) {
    blocks.push(...teamBlocks(owner.group, entity));
  } else if (owner.user) {
    blocks.push({
      type: 'fields',
      fields: [{ label: 'Owner', value: [personSpan(owner.user)] }, ...repositoryField(entity)],
    });
  }
  const buttons: Button[] = ownerEntity ? [holdingsButton(ownerEntity)] : [];
  return {
    summary: `${subject} is owned by ${ownerName}.`,
    command,
    blocks: [...blocks, entityButtons(nameToType, buttons)],
  };
}

/**
 * `Log shipper names group:default/logging-guild, which is not in the catalog`: why an owner the entity declares is not
 * its owner. `subject` is the entity as the answer names it (its title).
 */
export function namesMissingOwner(subject: string, declared: EntityRef): Span[] {
  return [plain(`${subject} names `), code(declared), plain(', which is not in the catalog')];
}

/** The button to everything a team or person owns, named as answers name them (`Everything Payments Team owns`). */
export function holdingsButton(owner: EntityRecord): Button {
  return { label: `Everything ${displayNameOf(owner)} owns`, action: 'run', command: `/owner ${owner.ref}` };
}

/** A Location has no owner in Backstage: say what it is and what it reads, and tell nobody to add `spec.owner`. */
function locationAnswer(entity: EntityRecord, nameToType: string): Message {
  const subject = titleOf(entity);
  const targets = locationTargetsOf(entity);
  const source = sourceSpan(entity);
  const blocks: Block[] = [
    { type: 'header', text: `${subject} is a Location` },
    ...orphanBlocks(entity),
    {
      type: 'text',
      text: [plain('A Location points the catalog at descriptor files; Backstage gives Locations no owner.')],
    },
  ];
  if (targets.length > 0) {
    blocks.push({ type: 'list', title: 'What it reads', items: targets.map((target) => ({ text: [code(target)] })) });
  }
  if (source) blocks.push({ type: 'context', text: [plain('Defined in '), source] });
  blocks.push({
    type: 'actions',
    buttons: [{ label: `About ${shortName(entity)}`, action: 'run', command: `/service ${nameToType}` }],
  });
  return {
    summary: `${subject} is a Location: it points the catalog at descriptor files and has no owner.`,
    command: `/owner ${nameToType}`,
    blocks,
  };
}

/** Why a team shows no channel: none set, or a `slack.com/bot-notify` that names none (reported at import). */
function channelMissing(team: EntityRecord): Span[] {
  const value = annotation(team, ANNOTATIONS.slackBotNotify);
  if (value !== undefined && botNotifyProblem(value)) {
    return [plain(`not a channel: slack.com/bot-notify is ${JSON.stringify(value)}; see /wayfinder errors`)];
  }
  return [plain('none set (slack.com/bot-notify)')];
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
  fields.push({ label: 'Channel', value: channel ? [channel] : channelMissing(team.team) });
  const onCall = (subject && onCallOf(subject)) ?? onCallOf(team.team);
  if (onCall) fields.push({ label: 'On call', value: [onCall] });
  if (subject) fields.push(...repositoryField(subject));

  const blocks: Block[] = [{ type: 'fields', fields }];
  const description = team.team.envelope.metadata.description;
  if (description) blocks.push({ type: 'context', text: [plain(description)] });
  if (team.members.length > 0) {
    blocks.push(membersList(team, 0));
  } else {
    // An area made of teams lists nobody itself: say where its people are rather than show an empty list.
    blocks.push({
      type: 'context',
      text: [
        plain(`${teamName(team.team)} has no members of its own; its sub-teams are listed by `),
        code(`/service ${team.team.ref}`),
      ],
    });
  }
  return blocks;
}

/**
 * One page of a team's members from `offset` (at most `MEMBERS_PAGE`), titled with how many there are; a cut list's
 * "…and N more" runs `/owner <team> --members --offset <next>`.
 */
function membersList(team: TeamFacts, offset: number): Block {
  const items = memberItems(team.members).slice(offset, offset + MEMBERS_PAGE);
  return {
    type: 'list',
    title: `Members (${formatNumber(team.members.length)})`,
    items,
    omitted: Math.max(0, team.members.length - offset - items.length),
    moreCommand: membersCommand(team.team),
    offset,
  };
}

/** The command that lists a team's members, page by page. */
export function membersCommand(team: EntityRecord): string {
  return `/owner ${team.ref} --members`;
}

/** A team's members only, one page from `offset`: where every cut member list continues. */
async function membersAnswer(context: CommandContext, entity: EntityRecord, offset: number): Promise<Message> {
  const team = await context.store.getTeam({ ref: entity.ref, platform: context.platform });
  const name = teamName(entity);
  const base = membersCommand(entity);
  const total = team?.members.length ?? 0;
  const headline = `${name} has ${countOf(total, 'member')}`;
  const blocks: Block[] = [{ type: 'header', text: headline }, ...orphanBlocks(entity)];
  const shown = Math.max(0, Math.min(total, offset + MEMBERS_PAGE) - offset);
  if (total > 0 && offset >= total) {
    blocks.push({
      type: 'context',
      text: [
        plain(`Nothing from item ${offset + 1}: ${countOf(total, 'member')} in all. The first page: `),
        code(base),
      ],
    });
  } else if (team && (offset > 0 || offset + shown < total)) {
    blocks.push({
      type: 'context',
      text: [plain(`Showing ${formatNumber(offset + 1)}–${formatNumber(offset + shown)} of ${formatNumber(total)}.`)],
    });
  }
  if (team && shown > 0) blocks.push(membersList(team, offset));
  blocks.push({ type: 'actions', buttons: [holdingsButton(entity)] });
  return { summary: `${headline}.`, command: offset > 0 ? `${base} --offset ${offset}` : base, blocks };
}

/** `a Component`, `an API`, `a User` (a kind starting with U sounds like "you"). */
function withArticle(word: string): string {
  return `${/^[aeio]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** Members by name, told apart as `refNeededAmong` says. */
function memberItems(members: readonly PersonRecord[]): ListItem[] {
  const refNeeded = refNeededAmong(members);
  return members.map((member) =>
    refNeeded(member) ? { text: [personSpan(member)], detail: [code(member.ref)] } : { text: [personSpan(member)] },
  );
}

/**
 * Which of the teams and people a list shows by display name (`displayNameOf`) need their ref beside it. Two of the
 * same kind with the same display name are told apart: two people by their email when theirs differ (the person span
 * shows it), else by their ref (Backstage's example catalog has a `guest` in two namespaces, one email); two teams by
 * their ref. Other kinds are listed by name and never need it.
 */
export function refNeededAmong(entities: readonly EntityRecord[]): (entity: EntityRecord) => boolean {
  const named = entities.filter((entity) => entity.kind === 'user' || entity.kind === 'group');
  const shownEmail = (entity: EntityRecord) => (entity.kind === 'user' ? emailOf(entity)?.toLowerCase() : undefined);
  const countBy = (key: (entity: EntityRecord) => string) => {
    const counts = new Map<string, number>();
    for (const entity of named) counts.set(key(entity), (counts.get(key(entity)) ?? 0) + 1);
    return (entity: EntityRecord) => counts.get(key(entity)) ?? 0;
  };
  const sameName = countBy((entity) => JSON.stringify([entity.kind, displayNameOf(entity).toLowerCase()]));
  const sameNameAndEmail = countBy((entity) =>
    JSON.stringify([entity.kind, displayNameOf(entity).toLowerCase(), shownEmail(entity) ?? null]),
  );
  return (entity) =>
    (entity.kind === 'user' || entity.kind === 'group') &&
    sameName(entity) > 1 &&
    (!shownEmail(entity) || sameNameAndEmail(entity) > 1);
}

/** The "⚠ Orphaned" line under the header, for an entity whose source no longer holds it. */
function orphanBlocks(entity: EntityRecord): Block[] {
  return entity.orphan ? [{ type: 'context', text: orphanNotice(entity) }] : [];
}

function repositoryField(entity: EntityRecord): { label: string; value: Span[] }[] {
  const url = repositoryUrl(entity);
  return url ? [{ label: 'Repository', value: [safeLink(url.replace(/^https?:\/\//, ''), url)] }] : [];
}

/** Follow-up buttons about the entity, naming it as `nameToType` (its full ref when its name is shared). */
function entityButtons(nameToType: string, extra: Button[] = []): Block {
  return {
    type: 'actions',
    buttons: [
      { label: `About ${nameToType}`, action: 'run', command: `/service ${nameToType}` },
      { label: 'What it depends on', action: 'run', command: `/deps ${nameToType}` },
      { label: 'What depends on it', action: 'run', command: `/deps ${nameToType} --reverse` },
      ...extra,
    ],
  };
}

async function holdingsAnswer(context: CommandContext, entity: EntityRecord, offset: number): Promise<Message> {
  const isGroup = entity.kind === 'group';
  const [holdings, team] = await Promise.all([
    context.store.getHoldings({ ref: entity.ref, limit: HOLDINGS_PAGE, offset }),
    isGroup && offset === 0 ? context.store.getTeam({ ref: entity.ref, platform: context.platform }) : undefined,
  ]);
  const name = displayNameOf(entity);
  const base = `/owner ${entity.ref}`;
  const headline = isGroup
    ? `${name} owns ${countOf(holdings.total, 'entity', 'entities')}`
    : personHeadline(name, holdings);
  const blocks: Block[] = [{ type: 'header', text: headline }, ...orphanBlocks(entity)];
  if (team) blocks.push(...teamBlocks(team));
  const end = offset + holdings.owned.length;
  if (holdings.total > 0 && offset >= holdings.total) {
    blocks.push({
      type: 'context',
      text: [
        plain(
          `Nothing from item ${offset + 1}: ${countOf(holdings.total, 'entity', 'entities')} in all. The first page: `,
        ),
        code(base),
      ],
    });
  } else if (offset > 0 || end < holdings.total) {
    blocks.push({
      type: 'context',
      text: [plain(`Showing ${formatNumber(offset + 1)}–${formatNumber(end)} of ${formatNumber(holdings.total)}.`)],
    });
  }
  const pastTheEnd = holdings.total > 0 && offset >= holdings.total;
  if (!pastTheEnd) {
    blocks.push(
      ...(isGroup ? [groupList(entity, holdings, offset, base)] : personLists(entity, holdings, offset, base)),
    );
  }
  return {
    summary: `${headline}.`,
    command: offset > 0 ? `${base} --offset ${offset}` : `/owner ${shortName(entity)}`,
    blocks,
  };
}

/**
 * What a person owns, with what they own themselves apart from what their teams own:
 * "Frank Lee owns 2 entities; their teams own 7 more".
 */
function personHeadline(name: string, holdings: HoldingsFacts): string {
  const direct = holdings.direct ?? 0;
  const teams = holdings.total - direct;
  if (holdings.total === 0) return `${name} owns nothing in the catalog`;
  if (teams === 0) return `${name} owns ${countOf(direct, 'entity', 'entities')}`;
  if (direct === 0) return `${name} owns nothing directly; their teams own ${countOf(teams, 'entity', 'entities')}`;
  return `${name} owns ${countOf(direct, 'entity', 'entities')}; their teams own ${formatNumber(teams)} more`;
}

function ownedItem(entity: EntityRecord, detail?: string): ListItem {
  return {
    text: [strong(shortName(entity)), ...orphanMark(entity)],
    detail: [plain(detail ? `${kindLabel(entity)} · ${detail}` : kindLabel(entity))],
  };
}

/** A team's holdings as one list, sub-teams' entities marked with the sub-team; a page from `offset`. */
function groupList(owner: EntityRecord, holdings: HoldingsFacts, offset: number, base: string): Block {
  const subTeams = holdings.groups.filter((group) => group.ref !== owner.ref);
  const name = displayNameOf(owner);
  const title =
    subTeams.length > 0 ? `Owned by ${name} and ${countOf(subTeams.length, 'more team')}` : `Owned by ${name}`;
  const names = new Map(holdings.groups.map((group) => [group.ref, teamName(group)]));
  return {
    type: 'list',
    title,
    items: holdings.owned.map(({ entity, ownerRef }) =>
      ownedItem(entity, ownerRef !== owner.ref ? names.get(ownerRef) : undefined),
    ),
    omitted: Math.max(0, holdings.total - offset - holdings.owned.length),
    moreCommand: base,
    offset,
  };
}

/**
 * A person's holdings as two lists, in the store's order: what they own themselves, then what their teams own
 * (each marked with the team). Both are pages of the one order, so each list's "…and N more" continues at its own
 * next item; a team list with nothing on this page still says how many there are and where they start.
 */
function personLists(person: EntityRecord, holdings: HoldingsFacts, offset: number, base: string): Block[] {
  const direct = holdings.direct ?? 0;
  const teamTotal = holdings.total - direct;
  const mine = holdings.owned.filter((held) => held.ownerRef === person.ref);
  const theirs = holdings.owned.filter((held) => held.ownerRef !== person.ref);
  const teams = holdings.groups.filter((group) => group.ref !== person.ref);
  const names = new Map(teams.map((group) => [group.ref, teamName(group)]));
  const blocks: Block[] = [];
  if (offset < direct) {
    blocks.push({
      type: 'list',
      title: `Owned by ${displayNameOf(person)}`,
      items: mine.map(({ entity }) => ownedItem(entity)),
      omitted: Math.max(0, direct - offset - mine.length),
      moreCommand: base,
      offset,
    });
  }
  if (teamTotal > 0) {
    const start = Math.max(offset, direct);
    const [onlyTeam] = teams;
    blocks.push({
      type: 'list',
      title:
        teams.length === 1 && onlyTeam
          ? `Owned by ${teamName(onlyTeam)}`
          : `Owned by their ${countOf(teams.length, 'team')}`,
      // With one team the title names it; with several, each entity says whose it is.
      items: theirs.map(({ entity, ownerRef }) =>
        ownedItem(entity, teams.length > 1 ? names.get(ownerRef) : undefined),
      ),
      omitted: Math.max(0, teamTotal - (start - direct) - theirs.length),
      moreCommand: base,
      offset: start,
    });
  }
  return blocks;
}
