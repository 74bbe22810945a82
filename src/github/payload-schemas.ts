/**
 * zod schemas of the parts of GitHub's answers Wayfinder reads (REST and GraphQL), and the mapping of REST payloads to
 * the gateway's value types. Anything else GitHub sends is ignored.
 */
import { z } from 'zod';
import type { GitHubRepository, GitHubTeam, GitHubUser } from '../core/ports/github-gateway.ts';

// GraphQL

export const VerifiedEmailsSchema = z.object({
  user: z.object({ organizationVerifiedDomainEmails: z.array(z.string()).nullish() }).nullish(),
});

export const MembersVerifiedEmailsSchema = z.object({
  organization: z
    .object({
      membersWithRole: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
        nodes: z
          .array(
            z.object({ login: z.string(), organizationVerifiedDomainEmails: z.array(z.string()).nullish() }).nullable(),
          )
          .nullish(),
      }),
    })
    .nullish(),
});

const MembersConnectionSchema = z.object({
  pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
  nodes: z.array(z.object({ login: z.string() }).nullable()).nullish(),
});

export const TeamsImmediateMembersSchema = z.object({
  organization: z
    .object({
      teams: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullish() }),
        nodes: z.array(z.object({ slug: z.string(), members: MembersConnectionSchema }).nullable()).nullish(),
      }),
    })
    .nullish(),
});

export const TeamImmediateMembersSchema = z.object({
  organization: z.object({ team: z.object({ members: MembersConnectionSchema }).nullish() }).nullish(),
});

// REST

export const RepositorySchema = z.object({
  full_name: z.string(),
  name: z.string(),
  owner: z.object({ login: z.string() }),
  html_url: z.string(),
  // An empty repository may have no default branch yet.
  default_branch: z.string().nullish(),
  archived: z.boolean().default(false),
  fork: z.boolean(),
  private: z.boolean(),
  topics: z.array(z.string()).default([]),
  pushed_at: z.string().nullish(),
});

export const ContentSchema = z.object({
  type: z.string(),
  encoding: z.string().optional(),
  content: z.string().default(''),
  sha: z.string(),
  html_url: z.string(),
});

export const TreeSchema = z.object({
  truncated: z.boolean().default(false),
  tree: z.array(z.object({ path: z.string(), type: z.string(), sha: z.string() })),
});

export const TeamSchema = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  html_url: z.string(),
  parent: z.object({ slug: z.string() }).nullish(),
});

export const MemberSchema = z.object({ login: z.string() });

export const UserSchema = z.object({
  login: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  html_url: z.string(),
  avatar_url: z.string().nullish(),
});

export function toRepository(repo: z.output<typeof RepositorySchema>): GitHubRepository {
  return {
    fullName: repo.full_name,
    owner: repo.owner.login,
    name: repo.name,
    defaultBranch: repo.default_branch ?? 'main',
    htmlUrl: repo.html_url,
    archived: repo.archived,
    fork: repo.fork,
    private: repo.private,
    topics: repo.topics,
    pushedAt: repo.pushed_at ?? null,
  };
}

export function toTeam(team: z.output<typeof TeamSchema>): GitHubTeam {
  return {
    slug: team.slug,
    name: team.name,
    description: team.description || null,
    parentSlug: team.parent?.slug ?? null,
    htmlUrl: team.html_url,
  };
}

export function toUser(user: z.output<typeof UserSchema>): GitHubUser {
  return {
    login: user.login,
    name: user.name || null,
    email: user.email || null,
    htmlUrl: user.html_url,
    avatarUrl: user.avatar_url || null,
  };
}
