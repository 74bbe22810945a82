/**
 * What answers show about an entity, derived from its descriptor. Pure: the same record always reads the same.
 */
import type { EntityRecord } from '../ports.ts';
import type { Span } from '../view-model.ts';
import { link, text } from '../view-model.ts';
import { ANNOTATIONS } from './annotations.ts';
import type { EntityLink } from './types.ts';

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

/** The repository page: `github.com/project-slug`, else a URL `backstage.io/source-location`. */
export function repositoryUrl(entity: EntityRecord, githubUrl = 'https://github.com'): string | undefined {
  const slug = annotation(entity, ANNOTATIONS.githubProjectSlug);
  if (slug) return `${githubUrl.replace(/\/$/, '')}/${slug}`;
  const source = annotation(entity, ANNOTATIONS.sourceLocation);
  if (source?.startsWith('url:')) return source.slice('url:'.length);
  return undefined;
}

const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;

/**
 * The team's channel from `slack.com/bot-notify` (a channel id, or a name with or without `#`);
 * `wayfinder.dev/slack-channel-id` makes a named channel clickable. Emails and user ids are not channels.
 */
export function channelOf(entity: EntityRecord): Span | undefined {
  const target = annotation(entity, ANNOTATIONS.slackBotNotify);
  const channelId = annotation(entity, ANNOTATIONS.slackChannelId);
  if (!target) return channelId ? { kind: 'channel', name: channelId, slackChannelId: channelId } : undefined;
  if (SLACK_CHANNEL_ID.test(target)) return { kind: 'channel', name: target, slackChannelId: target };
  if (target.includes('@') || /^[UW][A-Z0-9]{6,}$/.test(target)) return undefined;
  const name = target.replace(/^#/, '');
  return channelId ? { kind: 'channel', name, slackChannelId: channelId } : { kind: 'channel', name };
}

/** Who is on call: `wayfinder.dev/on-call` (text or URL), else the PagerDuty service. */
export function onCallOf(entity: EntityRecord, pagerDutyUrl = 'https://app.pagerduty.com'): Span | undefined {
  const onCall = annotation(entity, ANNOTATIONS.onCall);
  if (onCall) return /^https?:\/\//.test(onCall) ? link(onCall, onCall) : text(onCall);
  const serviceId = annotation(entity, ANNOTATIONS.pagerdutyServiceId);
  if (serviceId) {
    return link(`PagerDuty service ${serviceId}`, `${pagerDutyUrl.replace(/\/$/, '')}/service-directory/${serviceId}`);
  }
  return undefined;
}

export function linksOf(entity: EntityRecord): EntityLink[] {
  return entity.envelope.metadata.links ?? [];
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

/** A person as a span: a Slack mention when their identity is known, else their name and email. */
export function personSpan(entity: EntityRecord & { slackUserId?: string }): Span {
  const profile = profileOf(entity);
  return {
    kind: 'user',
    name: profile.displayName ?? entity.envelope.metadata.title ?? entity.name,
    ...(profile.email ? { email: profile.email } : {}),
    ...(entity.slackUserId ? { slackUserId: entity.slackUserId } : {}),
  };
}

/** A team's display name: `spec.profile.displayName`, else its title or name. */
export function teamName(entity: EntityRecord): string {
  return profileOf(entity).displayName ?? titleOf(entity);
}
