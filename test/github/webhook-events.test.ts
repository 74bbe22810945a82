import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.ts';
import {
  type PushEvent,
  parseGitHubWebhook,
  pushTouchesCatalog,
  touchedCatalogPaths,
} from '../../src/github/webhook-events.ts';

const repository = {
  id: 1,
  name: 'payments-api',
  full_name: 'acme/payments-api',
  owner: { login: 'acme', name: 'acme' },
  default_branch: 'main',
  archived: false,
  topics: ['wayfinder'],
};

function push(overrides: Record<string, unknown> = {}) {
  return {
    ref: 'refs/heads/main',
    before: 'a'.repeat(40),
    after: 'b'.repeat(40),
    created: false,
    deleted: false,
    forced: false,
    repository,
    commits: [
      { id: '1', added: ['docs/new.md'], modified: ['catalog-info.yaml'], removed: [] },
      { id: '2', added: [], modified: ['src/index.ts', 'catalog-info.yaml'], removed: ['old.yaml'] },
    ],
    head_commit: { id: '2', added: [], modified: ['src/index.ts', 'catalog-info.yaml'], removed: ['old.yaml'] },
    ...overrides,
  };
}

describe('parseGitHubWebhook push', () => {
  it('reads a push to the default branch with every path its commits touched, once each, sorted', () => {
    expect(parseGitHubWebhook({ event: 'push', payload: push() })).toEqual({
      kind: 'push',
      repo: 'acme/payments-api',
      branch: 'main',
      isDefaultBranch: true,
      headSha: 'b'.repeat(40),
      touchedPaths: ['catalog-info.yaml', 'docs/new.md', 'old.yaml', 'src/index.ts'],
      touchedPathsComplete: true,
    });
  });

  it('marks a push to another branch as not the default branch', () => {
    expect(parseGitHubWebhook({ event: 'push', payload: push({ ref: 'refs/heads/feature/x' }) })).toMatchObject({
      kind: 'push',
      branch: 'feature/x',
      isDefaultBranch: false,
    });
  });

  it('says the touched paths may be incomplete for a force push, a new branch or a truncated commit list', () => {
    const complete = (overrides: Record<string, unknown>) =>
      (parseGitHubWebhook({ event: 'push', payload: push(overrides) }) as PushEvent).touchedPathsComplete;
    expect(complete({ forced: true })).toBe(false);
    expect(complete({ created: true })).toBe(false);
    expect(complete({ commits: Array.from({ length: 2048 }, () => ({ added: [], modified: [], removed: [] })) })).toBe(
      false,
    );
  });

  it('ignores a tag push and a deleted branch', () => {
    expect(parseGitHubWebhook({ event: 'push', payload: push({ ref: 'refs/tags/v1.0.0' }) })).toEqual({
      kind: 'ignored',
      reason: 'a push to refs/tags/v1.0.0, not a branch',
    });
    expect(
      parseGitHubWebhook({ event: 'push', payload: push({ deleted: true, ref: 'refs/heads/old', head_commit: null }) }),
    ).toMatchObject({ kind: 'ignored', reason: 'branch old of acme/payments-api was deleted' });
  });

  it('names each malformed field and what was expected', () => {
    const payload = push({ repository: { ...repository, full_name: undefined }, commits: [{ added: 'a.yaml' }] });
    expect(() => parseGitHubWebhook({ event: 'push', payload })).toThrow(InputError);
    expect(() => parseGitHubWebhook({ event: 'push', payload })).toThrow(
      /^The GitHub push payload is not valid: repository\.full_name expected string, received undefined; commits\.0\.added expected array, received string$/,
    );
  });
});

describe('pushTouchesCatalog', () => {
  const event = parseGitHubWebhook({ event: 'push', payload: push() }) as PushEvent;

  it('is true when a pushed commit touched a catalog path, written with or without a leading slash', () => {
    expect(pushTouchesCatalog({ push: event, catalogPaths: ['/catalog-info.yaml'] })).toBe(true);
    expect(touchedCatalogPaths({ push: event, catalogPaths: ['catalog-info.yaml', 'old.yaml', 'x.yaml'] })).toEqual([
      'catalog-info.yaml',
      'old.yaml',
    ]);
  });

  it('is false when no catalog path was touched, comparing paths exactly as git does', () => {
    expect(pushTouchesCatalog({ push: event, catalogPaths: ['Catalog-Info.yaml', 'docs/catalog-info.yaml'] })).toBe(
      false,
    );
  });

  it('is true whenever the touched paths may be incomplete', () => {
    expect(
      pushTouchesCatalog({ push: { ...event, touchedPaths: [], touchedPathsComplete: false }, catalogPaths: [] }),
    ).toBe(true);
  });
});

describe('parseGitHubWebhook repository', () => {
  it('gives the previous full name of a renamed repository', () => {
    const payload = {
      action: 'renamed',
      repository: { ...repository, name: 'payments', full_name: 'acme/payments' },
      changes: { repository: { name: { from: 'payments-api' } } },
    };
    expect(parseGitHubWebhook({ event: 'repository', payload })).toEqual({
      kind: 'repository',
      action: 'renamed',
      repo: 'acme/payments',
      archived: false,
      previousFullName: 'acme/payments-api',
    });
  });

  it('gives the previous full name of a repository transferred from another organisation or user', () => {
    const moved = { ...repository, owner: { login: 'acme-finance' }, full_name: 'acme-finance/payments-api' };
    const fromOrg = {
      action: 'transferred',
      repository: moved,
      changes: { owner: { from: { organization: { login: 'acme' } } } },
    };
    const fromUser = {
      action: 'transferred',
      repository: moved,
      changes: { owner: { from: { user: { login: 'ada' } } } },
    };
    expect(parseGitHubWebhook({ event: 'repository', payload: fromOrg })).toMatchObject({
      repo: 'acme-finance/payments-api',
      previousFullName: 'acme/payments-api',
    });
    expect(parseGitHubWebhook({ event: 'repository', payload: fromUser })).toMatchObject({
      previousFullName: 'ada/payments-api',
    });
  });

  it('reads archived, deleted and the other actions the sync cares about, and ignores the rest', () => {
    const event = (action: string, archived = false) =>
      parseGitHubWebhook({ event: 'repository', payload: { action, repository: { ...repository, archived } } });
    expect(event('archived', true)).toEqual({
      kind: 'repository',
      action: 'archived',
      repo: 'acme/payments-api',
      archived: true,
    });
    for (const action of ['created', 'deleted', 'unarchived', 'publicized', 'privatized', 'edited']) {
      expect(event(action)).toMatchObject({ kind: 'repository', action });
    }
    expect(event('starred')).toEqual({ kind: 'ignored', reason: 'repository action starred is not used' });
  });

  it('refuses a rename without the previous name', () => {
    expect(() =>
      parseGitHubWebhook({ event: 'repository', payload: { action: 'renamed', repository, changes: {} } }),
    ).toThrow('The GitHub repository payload is not valid: changes.repository.name.from expected the previous name');
  });
});

describe('parseGitHubWebhook other events', () => {
  it('ignores a ping and events the sync does not use', () => {
    expect(parseGitHubWebhook({ event: 'ping', payload: { zen: 'Design for failure.' } })).toMatchObject({
      kind: 'ignored',
    });
    expect(parseGitHubWebhook({ event: 'issues', payload: {} })).toEqual({
      kind: 'ignored',
      reason: 'the issues event is not used',
    });
  });
});
