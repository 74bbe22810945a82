/**
 * Secret-looking strings in docs text, replaced before anything is stored, embedded, shown or given to a model: docs
 * are written by people, and a runbook that pastes a token should not have Wayfinder send it to an embedding endpoint,
 * keep it in its database, or repeat it in a channel. The indexer redacts every file before cutting it into chunks
 * (`indexer.ts`); answers are redacted again on the way out (a model may still make one up).
 *
 * Matched: Slack tokens (`xoxb-`, `xoxp-`, `xapp-`…), GitHub tokens (`ghp_`, `gho_`, `ghs_`, `github_pat_`…), OpenAI
 * style keys (`sk-…`), AWS access key ids (`AKIA…`/`ASIA…`), AWS secret access keys (40 base64 characters on a line
 * that says "secret"), Google API keys (`AIza…`), JWTs, PEM private key blocks, credentials in URLs
 * (`postgres://user:password@host`, `redis://:password@host`), and the value of `password=`, `db_password:`,
 * `secret:`, `aws_secret_access_key =`, `token=`, `api_key:`-style assignments (quoted values whole, spaces and all).
 * Prefixes follow each vendor's documented token formats.
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

/** `scheme://user:password@host` (the user may be empty): the password goes. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;

/**
 * An AWS secret access key: 40 base64 characters (with at least one digit, `/` or `+`, so that a long word is not one)
 * after "secret" on the same line (`aws_secret_access_key = …`, `AWS secret: …`, `the secret key … is`).
 */
const AWS_SECRET_KEY =
  /(secret[^\n]{0,40}?)(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/gi;

/** The names of settings that hold a secret, alone or as the end of a longer name (`db_password`, `SLACK_SIGNING_SECRET`). */
const SECRET_NAME =
  '[A-Za-z0-9_.-]*?(?:password|passwd|pwd|secret|secret_access_key|token|api[_-]?key|private[_-]?key|access[_-]?key)';

/** `password = hunter2`, `api_key: "…"`, `SECRET=…`, `db_password: 'two words'`: the value goes. */
const ASSIGNMENTS = new RegExp(
  `(?<![A-Za-z0-9])(${SECRET_NAME}["']?\\s*[:=]\\s*)(?:"([^"\\n]{3,})"|'([^'\\n]{3,})'|([^\\s"'\`,;<][^\\s"'\`,;]{3,}))`,
  'gi',
);

/** `text` with every secret-looking string replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const pattern of TOKEN_PATTERNS) result = result.replace(pattern, REDACTED);
  result = result.replace(URL_CREDENTIALS, `$1${REDACTED}$3`);
  result = result.replace(AWS_SECRET_KEY, `$1${REDACTED}`);
  return result.replace(
    ASSIGNMENTS,
    (
      match,
      lead: string,
      double: string | undefined,
      single: string | undefined,
      bare: string | undefined,
      offset: number,
      whole: string,
    ) => {
      const value = double ?? single ?? bare ?? '';
      // Already redacted, or a placeholder that names no secret (`token=<your token>`, `password: ${DB_PASSWORD}`).
      if (value.startsWith(REDACTED) || /^(?:<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)$/.test(value)) return match;
      // Prose, not a setting: "the password: every service has its own" (a lowercase word, and the sentence goes on).
      if (bare !== undefined && /^[a-z]+$/.test(bare) && /^ [a-z]/.test(whole.slice(offset + match.length))) {
        return match;
      }
      const quote = double !== undefined ? '"' : single !== undefined ? "'" : '';
      return `${lead}${quote}${REDACTED}${quote}`;
    },
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
