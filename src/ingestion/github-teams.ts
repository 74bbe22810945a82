/**
 * An organisation's GitHub teams as Backstage Groups and its members as Users, as Backstage's GitHub org provider maps
 * them: a team is a Group of type `team` (its slug the name, its parent team the parent), a member a User (login as
 * name, profile name, organisation-verified or public email, avatar). Each entity is validated like a descriptor
 * file, located at the team's or user's GitHub page.
 */
import { processDocument } from '../core/catalog/descriptor.ts';
import type { IngestError, ProcessedEntity } from '../core/catalog/types.ts';
import { mapConcurrently } from '../core/map-concurrently.ts';
import type { GitHubGateway, GitHubTeam, GitHubUser } from '../core/ports/github-gateway.ts';

/** What one source (a repository, the teams) read into. */
export interface SourceRead {
  scope: string;
  entities: ProcessedEntity[];
  errors: IngestError[];
  locations: string[];
}

/** Reads the teams, their direct members and those members' profiles, and maps them to Groups and Users. */
export async function readGitHubTeams(opts: {
  gateway: GitHubGateway;
  org: string;
  /** The scope the entities are stored under (`github-teams:acme`). */
  scope: string;
  /** GitHub requests in flight at once. */
  concurrency: number;
}): Promise<SourceRead> {
  const { gateway, org, concurrency } = opts;
  const teamList = await gateway.listTeams({ org });
  const teams = teamList.value;
  const listed = await mapConcurrently(teams, concurrency, async (team) => ({
    team,
    ...(await gateway.listTeamMembers({ org, teamSlug: team.slug })),
  }));
  const members = await directMembers({
    gateway,
    org,
    listed: listed.map(({ team, value }) => ({ slug: team.slug, logins: value })),
    parents: new Set(teams.flatMap((team) => (team.parentSlug ? [team.parentSlug] : []))),
    changed: teamList.changed || listed.some((list) => list.changed),
  });
  const logins = [...new Set(listed.flatMap(({ value }) => value))].sort();
  const users = (
    await mapConcurrently(logins, concurrency, async (login) => (await gateway.getUser({ login, org }))?.value)
  ).filter((user): user is GitHubUser => user !== undefined);

  const read: SourceRead = { scope: opts.scope, entities: [], errors: [], locations: [] };
  const known = new Set(users.map((user) => user.login));
  for (const team of teams) {
    const children = teams.filter((child) => child.parentSlug === team.slug).map((child) => child.slug);
    const teamMembers = (members.get(team.slug) ?? []).filter((login) => known.has(login));
    addGenerated(read, teamDocument(team, children, teamMembers), `url:${team.htmlUrl}`);
  }
  for (const user of users) addGenerated(read, userDocument(user), `url:${user.htmlUrl}`);
  return read;
}

/**
 * Each team's direct members, as Backstage means them. GitHub's REST list of a team includes its child teams'
 * members, and subtracting the children's lists would drop someone who is a direct member of both; so for a team
 * with child teams the direct members come from GraphQL (`membership: IMMEDIATE`), read again only when a REST list
 * or the team list changed (or the last answer is a day old), so an unchanged organisation costs no GraphQL. A team
 * without child teams is its REST list.
 */
async function directMembers(opts: {
  gateway: GitHubGateway;
  org: string;
  listed: readonly { slug: string; logins: string[] }[];
  parents: ReadonlySet<string>;
  changed: boolean;
}): Promise<Map<string, string[]>> {
  const { gateway, org } = opts;
  const members = new Map(opts.listed.map(({ slug, logins }) => [slug, logins]));
  if (opts.parents.size === 0) return members;
  let immediate = (await gateway.listImmediateTeamMembers({ org, reread: opts.changed })).value;
  // A parent team the kept answer does not know yet (made since it was read): ask again.
  if (!opts.changed && [...opts.parents].some((slug) => members.has(slug) && !(slug in immediate))) {
    immediate = (await gateway.listImmediateTeamMembers({ org, reread: true })).value;
  }
  for (const slug of opts.parents) {
    const direct = immediate[slug];
    if (direct && members.has(slug)) members.set(slug, direct);
  }
  return members;
}

function teamDocument(team: GitHubTeam, children: string[], members: string[]) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: team.slug,
      title: team.name,
      ...(team.description ? { description: team.description } : {}),
      annotations: { 'github.com/team-slug': team.slug },
    },
    spec: {
      type: 'team',
      profile: { displayName: team.name },
      ...(team.parentSlug ? { parent: team.parentSlug } : {}),
      children,
      members,
    },
  };
}

function userDocument(user: GitHubUser) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: user.login, annotations: { 'github.com/user-login': user.login } },
    spec: {
      profile: {
        displayName: user.name ?? user.login,
        ...(user.email ? { email: user.email } : {}),
        ...(user.avatarUrl ? { picture: user.avatarUrl } : {}),
      },
      memberOf: [],
    },
  };
}

function addGenerated(read: SourceRead, document: unknown, location: string): void {
  const result = processDocument({ document, position: { location, line: 1 } });
  read.locations.push(location);
  if (result.ok) read.entities.push(result.entity);
  else read.errors.push(...result.errors);
}
