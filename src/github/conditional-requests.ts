/**
 * Conditional GETs against GitHub's REST API. Every GET sends the ETag of its last 200 from the `ConditionalCache` as
 * `If-None-Match`. GitHub answers 304 (which costs no rate limit) when nothing changed, and the cached value is
 * returned with `changed: false`. What is cached is the mapped value (not GitHub's full JSON) plus, for a page of a
 * list, the `Link rel="next"` and `rel="last"` it had, so a list whose pages are all unchanged is re-read entirely
 * from 304s.
 */
import type { Octokit } from '@octokit/core';
import { z } from 'zod';
import { UpstreamError } from '../core/errors.ts';
import type { ConditionalCache } from '../core/ports/conditional-cache.ts';
import type { Conditional, GitHubRequestStats } from '../core/ports/github-gateway.ts';
import { failure, responseHeaders, statusOf } from './request-failures.ts';

/** Part of every cache key; bump it when what is cached for a URL changes shape. */
export const CACHE_FORMAT = 'v2';

/**
 * The cache format of repository reads: bumped on its own when a repository's mapped value gained `private`, so that
 * only repository listings are read again in full once, not every file, team and user.
 */
export const REPOSITORY_CACHE_FORMAT = 'v3';

/** One response's value, with the next page's URL when it is a page of a list. */
export interface CachedPage<T> {
  data: T;
  next: string | null;
  /** The list's last page, which GitHub links from every page but the last. */
  last: string | null;
}

export class ConditionalRequests {
  readonly #octokit: Pick<Octokit, 'request'>;
  readonly #cache: ConditionalCache;
  /** Shared with the gateway, which reports it: every GET and 304 is counted, and the rate limit last seen. */
  readonly #stats: GitHubRequestStats;
  /** The client's base URL, without a trailing slash. */
  readonly baseUrl: string;

  constructor(options: {
    octokit: Pick<Octokit, 'request'>;
    cache: ConditionalCache;
    stats: GitHubRequestStats;
    baseUrl: string;
  }) {
    this.#octokit = options.octokit;
    this.#cache = options.cache;
    this.#stats = options.stats;
    this.baseUrl = options.baseUrl;
  }

  /**
   * Follows `Link rel="next"` from the first page. A 304 page carries no fresh Link, so its cached one is used; when
   * that cached page was the last and full, one more page is asked for, because a repository added at the end leaves
   * the earlier pages (and their ETags) unchanged.
   */
  async list<T>(opts: {
    url: string;
    parse: (data: unknown) => T[];
    notFound: () => Error;
    /** The cache format of these pages (default `CACHE_FORMAT`). */
    format?: string;
  }): Promise<Conditional<T[]>> {
    const value: T[] = [];
    let changed = false;
    const visited = new Set<string>();
    let probing = false;
    /** Takes one page's items in order; answers the URL to read after it, if any. */
    const take = (url: string, result: { page: CachedPage<T[]>; changed: boolean } | undefined): string | null => {
      if (!result) throw opts.notFound();
      visited.add(url);
      value.push(...result.page.data);
      // An empty page past the end, asked for only to be sure, changes nothing.
      changed ||= result.changed && !(probing && result.page.data.length === 0);
      probing = result.page.next === null && !result.changed;
      return result.page.next ?? (probing ? pageAfterFull(url, result) : null);
    };

    const firstUrl = this.absolute(opts.url);
    const get = (url: string) => this.get({ url, parse: opts.parse, ...(opts.format ? { format: opts.format } : {}) });
    const first = await get(firstUrl);
    let url = take(firstUrl, first);
    // The first page links to the last one: the pages in between are read together, not one after another.
    const between = pagesBetween(first?.page.next ?? null, first?.page.last ?? null);
    if (between.length > 1) {
      const pages = await Promise.all(between.map((pageUrl) => get(pageUrl)));
      between.forEach((pageUrl, index) => {
        url = take(pageUrl, pages[index]);
      });
    }
    // Then on from the last page read, for pages added since (or when GitHub gave no last link).
    while (url !== null && !visited.has(url)) {
      const next: string = url;
      url = take(next, await get(next));
    }
    return { value, changed };
  }

  /** A conditional GET; undefined on 404. */
  async get<T>(opts: {
    url: string;
    parse: (data: unknown) => T;
    /** The cache format of this answer (default `CACHE_FORMAT`). */
    format?: string;
  }): Promise<{ page: CachedPage<T>; changed: boolean } | undefined> {
    const url = this.absolute(opts.url);
    const key = `${opts.format ?? CACHE_FORMAT} GET ${url}`;
    const cached = asCachedPage<T>(await this.#cache.get({ key }));
    this.#stats.requests += 1;
    let response: { data: unknown; headers: Record<string, string | number | undefined> };
    try {
      response = await this.#octokit.request(`GET ${url}`, {
        headers: cached ? { 'if-none-match': cached.etag } : {},
      });
    } catch (error) {
      this.#observe(responseHeaders(error));
      const status = statusOf(error);
      if (status === 304 && cached) {
        this.#stats.notModified += 1;
        return { page: cached.page, changed: false };
      }
      if (status === 404) return undefined;
      throw failure(error, `GET ${url.slice(this.baseUrl.length) || url}`);
    }
    this.#observe(response.headers);
    let page: CachedPage<T>;
    try {
      page = {
        data: opts.parse(response.data),
        next: linkTo('next', response.headers.link),
        last: linkTo('last', response.headers.link),
      };
    } catch (error) {
      if (!(error instanceof z.ZodError)) throw error;
      const problems = error.issues.map((issue) => `${issue.path.join('.') || 'body'} ${issue.message}`).join('; ');
      throw new UpstreamError(`GitHub answered GET ${url} with an unexpected body: ${problems}`, { cause: error });
    }
    const etag = response.headers.etag;
    if (typeof etag === 'string' && etag !== '') await this.#cache.set({ key, etag, body: page });
    return { page, changed: true };
  }

  /** `url` on the client's base URL, unless it is absolute already (a `Link` header's). */
  absolute(url: string): string {
    return /^https?:\/\//.test(url) ? url : `${this.baseUrl}${url}`;
  }

  #observe(headers: Record<string, unknown> | undefined): void {
    const remaining = Number(headers?.['x-ratelimit-remaining']);
    const reset = Number(headers?.['x-ratelimit-reset']);
    if (headers?.['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining)) {
      this.#stats.rateLimitRemaining = remaining;
    }
    if (headers?.['x-ratelimit-reset'] !== undefined && Number.isFinite(reset)) {
      this.#stats.rateLimitReset = new Date(reset * 1000);
    }
  }
}

function linkTo(rel: 'next' | 'last', link: unknown): string | null {
  if (typeof link !== 'string') return null;
  return new RegExp(`<([^>]+)>;\\s*rel="${rel}"`).exec(link)?.[1] ?? null;
}

/** The URLs of pages `next` to `last`, both included, when both are links of the same list; else none. */
function pagesBetween(next: string | null, last: string | null): string[] {
  if (!next || !last) return [];
  const from = Number(new URL(next).searchParams.get('page'));
  const to = Number(new URL(last).searchParams.get('page'));
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from) return [];
  return Array.from({ length: to - from + 1 }, (_, index) => {
    const url = new URL(next);
    url.searchParams.set('page', String(from + index));
    return url.toString();
  });
}

/** The URL of the page after `url` when that unchanged page is full, else null. */
function pageAfterFull(url: string, result: { page: CachedPage<unknown[]> }): string | null {
  const next = new URL(url);
  const perPage = Number(next.searchParams.get('per_page') ?? 30);
  if (result.page.data.length < perPage) return null;
  next.searchParams.set('page', String(Number(next.searchParams.get('page') ?? 1) + 1));
  return next.toString();
}

function asCachedPage<T>(entry: { etag: string; body: unknown } | undefined) {
  const body = entry?.body as Partial<CachedPage<T>> | undefined;
  if (!entry || typeof body !== 'object' || body === null || !('data' in body)) return undefined;
  const link = (value: unknown) => (typeof value === 'string' ? value : null);
  return { etag: entry.etag, page: { data: body.data as T, next: link(body.next), last: link(body.last) } };
}
