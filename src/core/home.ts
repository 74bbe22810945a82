/**
 * The home of a chat app (Slack's App Home tab, later Teams' personal tab) as a use-case: who the person is in the
 * catalog, their teams and what each owns, as a view-model that each platform only renders. A linked person sees
 * their holdings; someone Wayfinder cannot match to a catalog User learns how to get linked.
 */

import { displayNameOf, kindLabel, orphanMark, specString, teamName, titleOf } from './catalog/facts.ts';
import type { ChatIdentity, EntityRecord, HoldingsFacts } from './catalog/records.ts';
import type { EntityRef } from './catalog/types.ts';
import type { CatalogStore } from './ports/catalog-store.ts';
import { countOf, formatNumber } from './text.ts';
import type { Block, Button, ListItem, Message } from './view-model.ts';
import { code, text as plain, strong } from './view-model.ts';

/** Rows of holdings the Home asks for; the full list is one `/owner` away. */
export const HOME_HOLDINGS_LIMIT = 20;
const TEAM_BUTTONS = 4;

export type HomeInput =
  | {
      status: 'linked';
      userRef: EntityRef;
      /** The catalog User, for their name; absent if it vanished since linking. */
      user?: EntityRecord;
      holdings: HoldingsFacts;
    }
  | {
      status: 'unlinked';
      /** The email the chat platform shared, if any: what the catalog was searched for. */
      email?: string;
    };

/**
 * The home of the person behind `identity` (their chat identity, as learned on their platform; absent when the
 * platform told Wayfinder nothing): two queries in parallel for a linked person, none for anyone else.
 */
export async function answerHome(opts: {
  store: Pick<CatalogStore, 'getEntity' | 'getHoldings'>;
  identity: ChatIdentity | undefined;
}): Promise<Message> {
  const { store, identity } = opts;
  if (!identity?.userRef) {
    return buildHomeMessage({ status: 'unlinked', ...(identity?.email ? { email: identity.email } : {}) });
  }
  const userRef = identity.userRef;
  const [user, holdings] = await Promise.all([
    store.getEntity({ ref: userRef }),
    store.getHoldings({ ref: userRef, limit: HOME_HOLDINGS_LIMIT }),
  ]);
  return buildHomeMessage({ status: 'linked', userRef, ...(user ? { user } : {}), holdings });
}

/** The home as a view-model, from what was read. Pure. */
export function buildHomeMessage(input: HomeInput): Message {
  return input.status === 'linked' ? linkedHome(input) : unlinkedHome(input.email);
}

function linkedHome(input: Extract<HomeInput, { status: 'linked' }>): Message {
  const { userRef, holdings } = input;
  const name = input.user ? displayNameOf(input.user) : userRef;
  const blocks: Block[] = [
    { type: 'header', text: 'Your teams and services' },
    { type: 'context', text: [plain('Signed in as '), strong(name), plain(' · '), code(userRef)] },
  ];

  const mine = holdings.owned.filter((item) => item.ownerRef === userRef).map((item) => ownedItem(item.entity));
  if (mine.length > 0)
    blocks.push({ type: 'list', title: 'Owned by you', items: mine, moreCommand: `/owner ${userRef}` });

  const teams = holdings.groups.filter((group) => group.ref !== userRef);
  const cut = holdings.total > holdings.owned.length;
  for (const team of teams) {
    const items = holdings.owned.filter((item) => item.ownerRef === team.ref).map((item) => ownedItem(item.entity));
    if (items.length > 0) {
      blocks.push({ type: 'list', title: teamName(team), items, moreCommand: `/owner ${team.ref}` });
    } else {
      blocks.push({
        type: 'text',
        text: cut
          ? [
              strong(teamName(team)),
              plain(': not among the first shown here; '),
              code(`/owner ${team.ref}`),
              plain(' lists it all.'),
            ]
          : [strong(teamName(team)), plain(' owns nothing in the catalog yet.')],
      });
    }
  }

  if (teams.length === 0 && mine.length === 0) {
    blocks.push({
      type: 'text',
      text: [
        plain('You are not a member of any team in the catalog yet. Add '),
        code(userRef),
        plain(" to your team's "),
        code('spec.members'),
        plain(', or the team to your '),
        code('spec.memberOf'),
        plain(', and your services show up here.'),
      ],
    });
  } else if (cut) {
    blocks.push({
      type: 'context',
      text: [
        plain(`Showing ${formatNumber(holdings.owned.length)} of ${formatNumber(holdings.total)}. `),
        code(`/owner ${userRef}`),
        plain(' lists everything.'),
      ],
    });
  }

  const buttons: Button[] = teams.slice(0, TEAM_BUTTONS).map((team) => ({
    label: `Everything ${teamName(team)} owns`,
    action: 'run',
    command: `/owner ${team.ref}`,
  }));
  buttons.push({ label: 'Help', action: 'run', command: '/wayfinder help' });
  blocks.push({ type: 'divider' }, { type: 'actions', buttons });

  const summary =
    teams.length === 0
      ? `Signed in as ${name}.`
      : `Signed in as ${name}: ${teams.map((team) => teamName(team)).join(', ')} own ${countOf(holdings.total, 'entity', 'entities')}.`;
  return { summary, blocks };
}

function ownedItem(entity: EntityRecord): ListItem {
  const lifecycle = specString(entity, 'lifecycle');
  return {
    text: [strong(titleOf(entity)), ...orphanMark(entity)],
    detail: [plain(lifecycle ? `${kindLabel(entity)} · ${lifecycle}` : kindLabel(entity))],
  };
}

function unlinkedHome(email: string | undefined): Message {
  const why = email
    ? [plain('Wayfinder has not found you in the catalog: no User entity has the email '), code(email), plain('.')]
    : [plain('Your chat account did not share its email with Wayfinder, so it cannot find you in the catalog.')];
  return {
    summary: 'Wayfinder does not know who you are in the catalog yet.',
    blocks: [
      { type: 'header', text: 'Welcome to Wayfinder' },
      { type: 'text', text: why },
      {
        type: 'text',
        text: [
          plain('To be linked, add '),
          code(`spec.profile.email: ${email ?? 'you@example.com'}`),
          plain(' to your User entity in its '),
          code('catalog-info.yaml'),
          plain(' (the email of your chat account). Once the catalog is synced, open this tab again.'),
        ],
      },
      {
        type: 'context',
        text: [
          plain('Every command works meanwhile: '),
          code('/owner'),
          plain(', '),
          code('/service'),
          plain(', '),
          code('/deps'),
          plain(', '),
          code('/find'),
          plain('.'),
        ],
      },
      { type: 'actions', buttons: [{ label: 'Help', action: 'run', command: '/wayfinder help' }] },
    ],
  };
}
