/**
 * Block Kit action and block ids, shared by the renderers (which write them) and the listeners (which match them).
 *
 * Slack wants every `action_id` to be unique within its block, so the renderer writes `<action>:<n>`, where `n`
 * is the button's position in the whole message (unique message-wide, so also per block). Listeners therefore
 * register with the patterns below, never with the bare constants: `app.action(RUN_COMMAND_ACTION_PATTERN, …)`.
 * A button's `value` carries the command it runs (or shares), e.g. `/owner payments-api`.
 */

/** A button that runs its `value` as a command, as if the person had typed it. */
export const RUN_COMMAND_ACTION = 'wayfinder_run_command' as const;

/** A button that posts the answer to its `value` (a command) in the channel, for everyone to see. */
export const SHARE_ACTION = 'wayfinder_share' as const;

/** The actions block the renderer appends with the "Share in channel" button. */
export const SHARE_BLOCK_ID = 'wayfinder_share_block' as const;

export type WayfinderAction = typeof RUN_COMMAND_ACTION | typeof SHARE_ACTION;

/** Matches `wayfinder_run_command` and `wayfinder_run_command:<n>`. */
export const RUN_COMMAND_ACTION_PATTERN = /^wayfinder_run_command(?::\d+)?$/;

/** Matches `wayfinder_share` and `wayfinder_share:<n>`. */
export const SHARE_ACTION_PATTERN = /^wayfinder_share(?::\d+)?$/;

/** The `action_id` of the `index`-th button of a message (see the module comment). */
export function indexedActionId(action: WayfinderAction, index: number): string {
  return `${action}:${index}`;
}

/** The `callback_id` of every modal a command's Form opens; which command and form it is travels in `private_metadata`. */
export const FORM_CALLBACK_ID = 'wayfinder_form' as const;

/** "Helpful" / "Not helpful" under a docs answer; the button's `value` is the question's id. */
export const DOCS_HELPFUL_ACTION = 'wayfinder_docs_helpful' as const;
export const DOCS_NOT_HELPFUL_ACTION = 'wayfinder_docs_not_helpful' as const;
/** The actions block holding the two feedback buttons. */
export const DOCS_FEEDBACK_BLOCK_ID = 'wayfinder_docs_feedback' as const;
