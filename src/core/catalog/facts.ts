/**
 * What answers show about an entity, derived from its descriptor. Pure: the same record always reads the same.
 */

import { safeLink } from '../text.ts';
import type { ChatIds, Span } from '../view-model.ts';
import { code, link, text } from '../view-model.ts';
import { ANNOTATIONS } from './annotations.ts';
import type { EntityRecord } from './records.ts';
import type { EntityLink, IngestError } from './types.ts';

export function titleOf(entity: EntityRecord): string {
  return entity.envelope.metadata.title ?? entity.envelope.metadata.name;
}

export function specString(entity: EntityRecord, field: string): string | undefined {
  const value = entity.envelope.spec?.[field];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function annotation(entity: EntityRecord, key: string): string | undefined {
  const value = entity.envelope.metadata.annotations?.[key];
  return value && value.length > 0 ? value : undefined;
}

/** `payments-api` when the namespace is `default`, else `billing/payments-api`: what a person would type. */
export function shortName(entity: EntityRecord): string {
  return entity.namespace === 'default' ? entity.name : `${entity.namespace}/${entity.name}`;
}

/** `Component · service`: kind and, when set, type. */
export function kindLabel(entity: EntityRecord): string {
  const type = specString(entity, 'type');
  return type ? `${entity.envelope.kind} · ${type}` : entity.envelope.kind;
}

/**
 * The repository page: `github.com/project-slug`, else a URL `backstage.io/source-location`. Catalog data: make it a
 * link with `safeLink`, which shows an unsafe URL as text.
 */
export function repositoryUrl(entity: EntityRecord, githubUrl = 'https://github.com'): string | undefined {
  const slug = annotation(entity, ANNOTATIONS.githubProjectSlug);
  if (slug) return `${githubUrl.replace(/\/$/, '')}/${slug}`;
  const source = annotation(entity, ANNOTATIONS.sourceLocation);
  if (source?.startsWith('url:')) return source.slice('url:'.length);
  return undefined;
}

/** What a channel span is: a chat channel named by the catalog. */
export type ChannelSpan = Extract<Span, { kind: 'channel' }>;

/**
 * The team's channel from `slack.com/bot-notify` (a channel name with or without `#`, or an id) and
 * `wayfinder.dev/slack-channel-id`. Both are Slack's, so they are kept as the channel's Slack id for the Slack side
 * to interpret (a channel id becomes a link; a user id is no channel); the core only drops emails, which are people
 * on any platform.
 */
export function channelOf(entity: EntityRecord): ChannelSpan | undefined {
  const target = annotation(entity, ANNOTATIONS.slackBotNotify);
  const channelId = annotation(entity, ANNOTATIONS.slackChannelId);
  if (!target || target.includes('@')) {
    return channelId ? { kind: 'channel', name: channelId, ids: { slack: channelId } } : undefined;
  }
  return { kind: 'channel', name: target.replace(/^#/, ''), ids: { slack: channelId ?? target } };
}

/** Who is on call: `wayfinder.dev/on-call` (text or URL), else the PagerDuty service. */
export function onCallOf(entity: EntityRecord, pagerDutyUrl = 'https://app.pagerduty.com'): Span | undefined {
  const onCall = annotation(entity, ANNOTATIONS.onCall);
  if (onCall) return /^https?:\/\//i.test(onCall.trim()) ? safeLink(onCall, onCall) : text(onCall);
  const serviceId = annotation(entity, ANNOTATIONS.pagerdutyServiceId);
  if (serviceId) {
    const url = `${pagerDutyUrl.replace(/\/$/, '')}/service-directory/${encodeURIComponent(serviceId)}`;
    return safeLink(`PagerDuty service ${serviceId}`, url);
  }
  return undefined;
}

export function linksOf(entity: EntityRecord): EntityLink[] {
  return entity.envelope.metadata.links ?? [];
}

/** A Location's `spec.target` and `spec.targets`, as written (paths or URLs); non-strings are left out. */
export function locationTargetsOf(entity: EntityRecord): string[] {
  const { target, targets } = entity.envelope.spec ?? {};
  return [target, ...(Array.isArray(targets) ? targets : [])].filter(
    (value): value is string => typeof value === 'string' && value !== '',
  );
}

export function tagsOf(entity: EntityRecord): string[] {
  return entity.envelope.metadata.tags ?? [];
}

interface Profile {
  displayName?: string;
  email?: string;
}

function profileOf(entity: EntityRecord): Profile {
  const profile = entity.envelope.spec?.profile;
  if (typeof profile !== 'object' || profile === null) return {};
  const { displayName, email } = profile as Record<string, unknown>;
  return {
    displayName: typeof displayName === 'string' ? displayName : undefined,
    email: typeof email === 'string' ? email : undefined,
  };
}

export function emailOf(entity: EntityRecord): string | undefined {
  return profileOf(entity).email;
}

/** A person as a span: a mention where their chat identity is known, else their name and email. */
export function personSpan(entity: EntityRecord & { identities?: ChatIds }): Span {
  const profile = profileOf(entity);
  return {
    kind: 'user',
    name: displayNameOf(entity),
    ...(profile.email ? { email: profile.email } : {}),
    ...(entity.identities && Object.keys(entity.identities).length > 0 ? { ids: entity.identities } : {}),
  };
}

/**
 * What answers call a person or a team (any entity): `spec.profile.displayName`, else `metadata.title`, else the
 * name. Backstage shows people and groups by their display name the same way.
 */
export function displayNameOf(entity: EntityRecord): string {
  const displayName = profileOf(entity).displayName?.trim();
  return displayName ? displayName : titleOf(entity);
}

/** A team's display name (see `displayNameOf`). */
export function teamName(entity: EntityRecord): string {
  return displayNameOf(entity);
}

/**
 * A descriptor location as people read it: a `url:` location (synced from GitHub) links to the file, labelled
 * `github.com/acme/payments-api/…/catalog-info.yaml`; a `file:` location is its path relative to `root`, the
 * directory it was imported from (`payments/catalog-info.yaml`), and without a known root only its folder and name
 * (`…/payments/catalog-info.yaml`): answers never show a path on the server. With `line`, the label ends in `:line`
 * and a file on GitHub links to that line.
 */
export function locationSpan(location: string, line?: number, root?: string): Span {
  const at = line ? `:${line}` : '';
  if (location.startsWith('url:')) {
    const url = location.slice('url:'.length);
    const target = line && BLOB_URL.test(url) ? `${url.replace(/#.*$/, '')}#L${line}` : url;
    return safeLink(`${shortUrl(url)}${at}`, target);
  }
  if (/^https?:\/\//.test(location)) return safeLink(`${shortUrl(location)}${at}`, location);
  return code(`${shownPath(location.replace(/^file:/, ''), root)}${at}`);
}

/**
 * A path on the server as answers show it: from the path it was imported from (`root`), that folder's name first
 * (`catalog/payments.yaml` for `/srv/app/catalog/payments.yaml` imported as `/srv/app/catalog`); the root folder
 * itself as its name (`catalog`); a file imported by itself (a `.yaml`/`.yml` root) as its folder and name
 * (`payments/catalog-info.yaml`); without a root that holds it, only its last folder and name
 * (`…/payments/catalog-info.yaml`). Never the whole path.
 */
export function shownPath(path: string, root: string | undefined): string {
  const base = root?.replace(/\/+$/, '');
  if (base !== undefined && path === base) {
    return path
      .split('/')
      .filter(Boolean)
      .slice(/\.ya?ml$/i.test(path) ? -2 : -1)
      .join('/');
  }
  if (base !== undefined && path.startsWith(`${base}/`)) {
    const folder = base.split('/').filter(Boolean).at(-1);
    const relative = path.slice(base.length + 1);
    return folder ? `${folder}/${relative}` : relative;
  }
  const parts = path.split('/').filter(Boolean);
  return parts.length <= 2 ? parts.join('/') : `…/${parts.slice(-2).join('/')}`;
}

/** `host/owner/repo/blob/<ref>/path`: a file on GitHub (or a forge that lays out URLs the same way). */
const BLOB_URL = /^https?:\/\/([^/]+\/[^/]+\/[^/]+)\/(?:blob|tree)\/[^/]+\/(.+)$/;

/** `github.com/acme/payments-api/…/catalog-info.yaml`: the repository and the path in it, without the branch. */
function shortUrl(url: string): string {
  const blob = BLOB_URL.exec(url);
  if (blob) return `${blob[1]}/…/${blob[2]}`;
  return url.replace(/^https?:\/\//, '');
}

/** Where the entity's descriptor is (see `locationSpan`); undefined when no source was recorded. */
export function sourceSpan(entity: EntityRecord): Span | undefined {
  return entity.sourceLocation ? locationSpan(entity.sourceLocation, undefined, entity.sourceRoot) : undefined;
}

/** One line for an orphan, shown under an answer's header: its source no longer holds it. */
export function orphanNotice(entity: EntityRecord): Span[] {
  const source = sourceSpan(entity);
  return source
    ? [text('⚠ Orphaned: its source is gone (it was defined in '), source, text(').')]
    : [text('⚠ Orphaned: its source is gone.')];
}

/**
 * ` (orphaned)` after an entity's name in a list, for an orphan (its source no longer holds it; it is deleted after
 * the grace period unless the source comes back), so no list shows one as if it were current; nothing otherwise.
 */
export function orphanMark(entity: EntityRecord): Span[] {
  return entity.orphan ? [text(' (orphaned)')] : [];
}

/**
 * An ingest error as `file:line: field: message`, as the CLI prints it, with the file as a link when it is on
 * GitHub; a file on the server is shown relative to `root` when given (see `locationSpan`).
 */
export function ingestErrorText(error: IngestError, root?: string): Span[] {
  return [
    locationSpan(error.location, error.line, root),
    text(': '),
    ...(error.field ? [code(error.field), text(': ')] : []),
    text(error.message),
  ];
}

/**
 * An ingest error under its file's heading: `line 12: spec.owner: message`, the line linking to that line of the
 * file when it is on GitHub.
 */
export function ingestErrorInFileText(error: IngestError): Span[] {
  const line: Span[] = [];
  if (error.line) {
    const at = locationSpan(error.location, error.line);
    line.push(at.kind === 'link' ? link(`line ${error.line}`, at.url) : text(`line ${error.line}`), text(': '));
  }
  return [...line, ...(error.field ? [code(error.field), text(': ')] : []), text(error.message)];
}

/** Errors by file: files in order of location, each file's errors by line (errors of the whole file first). */
export function errorsByFile(errors: readonly IngestError[]): [location: string, errors: IngestError[]][] {
  const files = new Map<string, IngestError[]>();
  for (const error of errors) files.set(error.location, [...(files.get(error.location) ?? []), error]);
  return [...files]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([location, list]) => [location, list.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))]);
}
