/**
 * Chat users and the catalog Users they are, matched by email (case-insensitive). The link is computed when an
 * identity is saved and again when it is read, so a User imported after the person first spoke is still found.
 * Saving one also brings the members' ids of the team cards listing that email up to date (`team-cards.ts`).
 */
import { type SQL, sql } from 'drizzle-orm';
import type { ChatIdentity } from '../../core/catalog/records.ts';
import type { EntityRef } from '../../core/catalog/types.ts';
import type { Db } from '../drizzle-db.ts';
import { textArray } from '../sql-fragments.ts';
import { refreshMemberIds } from './team-cards.ts';

type IdentityRow = {
  platform: ChatIdentity['platform'];
  platformUserId: string;
  email: string | null;
  userRef: string | null;
};

/** The catalog User whose `spec.profile.email` is `email` (expression `email`), the first by ref if several. */
const userRefByEmail = (email: SQL) => sql`(
  select u.ref from entities u
  where lower(u.envelope #>> '{spec,profile,email}') = lower(${email}) and u.kind = 'user'
  order by u.ref limit 1
)`;

export async function findChatIdentity(
  db: Db,
  opts: { platform: ChatIdentity['platform']; platformUserId: string },
): Promise<ChatIdentity | undefined> {
  const { rows } = await db.execute<IdentityRow>(sql`
    select ci.platform, ci.platform_user_id as "platformUserId", ci.email,
      coalesce(${userRefByEmail(sql`ci.email`)}, ci.user_ref) as "userRef"
    from chat_identities ci
    where ci.platform = ${opts.platform} and ci.platform_user_id = ${opts.platformUserId}
  `);
  const row = rows[0];
  return row ? toChatIdentity(row) : undefined;
}

/**
 * Saves an identity; `inserted` is false when the person was already known (an update). The team cards listing the
 * person, by the email saved or the one it replaces, get their members' ids worked out again in the same transaction.
 */
export async function saveChatIdentity(
  db: Db,
  opts: { identity: ChatIdentity },
): Promise<{ identity: ChatIdentity; inserted: boolean }> {
  const { platform, platformUserId, email } = opts.identity;
  return db.transaction(async (tx) => {
    const { rows } = await tx.execute<IdentityRow & { inserted: boolean; replaced: string | null }>(sql`
      with previous as (
        select email from chat_identities where platform = ${platform} and platform_user_id = ${platformUserId}
      )
      insert into chat_identities (platform, platform_user_id, email, user_ref, updated_at)
      values (
        ${platform}, ${platformUserId}, ${email ?? null},
        coalesce(${userRefByEmail(sql`${email ?? null}::text`)}, ${opts.identity.userRef ?? null}::text),
        now()
      )
      on conflict (platform, platform_user_id) do update
        set email = excluded.email, user_ref = excluded.user_ref, updated_at = excluded.updated_at
      returning platform, platform_user_id as "platformUserId", email, user_ref as "userRef", (xmax = 0) as inserted,
        (select email from previous) as replaced
    `);
    const row = rows[0];
    if (!row) throw new Error('Saving a chat identity returned no row.');
    const emails = [row.email, row.replaced].flatMap((value) => (value ? [value.toLowerCase()] : []));
    if (emails.length > 0) await refreshMemberIds(tx, emails);
    return { identity: toChatIdentity(row), inserted: row.inserted };
  });
}

export async function listUnlinkedEmails(
  db: Db,
  opts: { platform: ChatIdentity['platform']; userRefs: readonly EntityRef[] },
): Promise<string[]> {
  if (opts.userRefs.length === 0) return [];
  const { rows } = await db.execute<{ email: string }>(sql`
    select distinct on (lower(u.envelope #>> '{spec,profile,email}')) u.envelope #>> '{spec,profile,email}' as email
    from entities u
    where u.ref = any(${textArray(opts.userRefs)})
      and u.envelope #>> '{spec,profile,email}' is not null
      and not exists (
        select 1 from chat_identities ci
        where ci.platform = ${opts.platform}
          and (ci.user_ref = u.ref or lower(ci.email) = lower(u.envelope #>> '{spec,profile,email}'))
      )
    order by lower(u.envelope #>> '{spec,profile,email}')
  `);
  return rows.map((row) => row.email);
}

function toChatIdentity(row: IdentityRow): ChatIdentity {
  const identity: ChatIdentity = { platform: row.platform, platformUserId: row.platformUserId };
  if (row.email !== null) identity.email = row.email;
  if (row.userRef !== null) identity.userRef = row.userRef;
  return identity;
}
