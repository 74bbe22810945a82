/**
 * The annotation keys Wayfinder reads. Backstage's well-known ones keep Backstage's meaning
 * (shared/reference/backstage.md §1.6); the `wayfinder.dev/` ones are Wayfinder's own and Backstage ignores them.
 * Annotation values are always strings: YAML needs quotes around values such as `"true"` or `"123"`.
 */
export const ANNOTATIONS = {
  /** Where the entity was read from, `<type>:<target>` (e.g. `file:/repo/catalog-info.yaml`); the target may contain `:`, so split on the first `:` only. */
  managedByLocation: 'backstage.io/managed-by-location',
  /** The entity's GitHub repository as `org/repo`. */
  githubProjectSlug: 'github.com/project-slug',
  /** Where the source code lives, `url:https://...` (with a trailing `/` for a folder). */
  sourceLocation: 'backstage.io/source-location',
  /** Where the TechDocs source (mkdocs.yml) lives: `dir:.` relative to the descriptor, or `url:https://...`. */
  techdocsRef: 'backstage.io/techdocs-ref',
  /** The PagerDuty service id (e.g. `PX1234A`) that pages for this entity. */
  pagerdutyServiceId: 'pagerduty.com/service-id',
  /** Where Backstage's Slack notifications for this entity go: a Slack channel or user id, or an email or channel name. */
  slackBotNotify: 'slack.com/bot-notify',
  /** Who is on call for this entity, as free text or a URL (a rota page, a schedule), shown as given. */
  onCall: 'wayfinder.dev/on-call',
  /** Other names people use for this entity, comma-separated (e.g. `pay, payments-svc`); name lookups match them too. */
  aliases: 'wayfinder.dev/aliases',
  /** A Slack channel id (e.g. `C0123456789`) that makes the entity's channel clickable in answers. */
  slackChannelId: 'wayfinder.dev/slack-channel-id',
} as const;

/** A channel name (`#payments-team`, `payments-team`), a Slack channel or user id, or an email. */
const BOT_NOTIFY_VALUE = /^(?:#?[\p{L}\p{N}][\p{L}\p{N}._-]*|[^\s@]+@[^\s@]+)$/u;

/**
 * What is wrong with a `slack.com/bot-notify` value, in one sentence naming the annotation and what a valid value
 * looks like; undefined for a valid one (a channel name with or without `#`, a Slack channel or user id, an email).
 */
export function botNotifyProblem(value: string): string | undefined {
  if (BOT_NOTIFY_VALUE.test(value.trim())) return undefined;
  return `${ANNOTATIONS.slackBotNotify} ${JSON.stringify(value)} names no channel; expected a channel name such as #payments-team, a channel id such as C0123ABCD, or a person's email. The entity was imported without a channel.`;
}
