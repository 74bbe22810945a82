/**
 * Secret-looking strings in docs text, replaced before anything is shown or given to a model: docs are written by
 * people, and a runbook that pastes a token should not have Wayfinder repeat it in a channel.
 *
 * Matched: Slack tokens (`xoxb-`, `xoxp-`, `xapp-`…), GitHub tokens (`ghp_`, `gho_`, `ghs_`, `github_pat_`…), OpenAI
 * style keys (`sk-…`), AWS access key ids (`AKIA…`/`ASIA…`), Google API keys (`AIza…`), JWTs, PEM private key blocks,
 * credentials in URLs (`postgres://user:password@host`), and the value of `password=`, `secret:`, `token=`,
 * `api_key:`-style assignments. Prefixes follow each vendor's documented token formats.
 */

export const REDACTED = '[redacted]';

const TOKEN_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bxapp-[A-Za-z0-9-]{10,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
];

/** `scheme://user:password@host`: the password goes. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

/** `password = hunter2`, `api_key: "…"`, `SECRET=…`: the value goes. */
const ASSIGNMENTS =
  /\b((?:password|passwd|pwd|secret|client_secret|token|access_token|api[_-]?key|private[_-]?key)\s*[:=]\s*)(["']?)([^\s"'`]{6,})\2/gi;

/** `text` with every secret-looking string replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of TOKEN_PATTERNS) result = result.replace(pattern, REDACTED);
  result = result.replace(URL_CREDENTIALS, `$1${REDACTED}$3`);
  return result.replace(ASSIGNMENTS, (_match, lead: string, quote: string, value: string) =>
    value === REDACTED ? `${lead}${quote}${value}${quote}` : `${lead}${quote}${REDACTED}${quote}`,
  );
}

/**
 * A filter for streamed text: passes on only what is followed by whitespace (a secret is one run of non-space
 * characters, so it is whole and redacted before it is passed on), and holds back a reply while it may still turn
 * out to be `hold` (the model's "not covered" word, which is never shown). `end()` flushes the rest.
 */
export function createRedactingStream(opts: { hold?: string; onText: (text: string) => void }): {
  push(delta: string): void;
  end(): void;
} {
  let pending = '';
  let started = false;
  const emit = (text: string) => {
    if (text) opts.onText(redactSecrets(text));
  };
  return {
    push(delta) {
      pending += delta;
      if (!started) {
        const text = pending.trimStart();
        // Still possibly the held word, or the held word itself: nothing is passed on.
        if (opts.hold && (opts.hold.startsWith(text) || text.startsWith(opts.hold))) return;
        started = true;
      }
      const cut = Math.max(pending.lastIndexOf(' '), pending.lastIndexOf('\n'));
      if (cut === -1) return;
      emit(pending.slice(0, cut + 1));
      pending = pending.slice(cut + 1);
    },
    end() {
      if (started) emit(pending);
      pending = '';
    },
  };
}
