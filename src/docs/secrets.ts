/**
 * Secret-looking strings in docs text, replaced before anything is stored, embedded, shown or given to a model: docs
 * are written by people, and a runbook that pastes a token should not have Wayfinder send it to an embedding endpoint,
 * keep it in its database, or repeat it in a channel. The indexer redacts every file before cutting it into chunks
 * (`indexer.ts`); answers are redacted again on the way out (a model may still make one up).
 *
 * Matched: Slack tokens (`xoxb-`, `xoxp-`, `xapp-`…), GitHub tokens (`ghp_`, `gho_`, `ghs_`, `github_pat_`…), OpenAI
 * style keys (`sk-…`), Stripe secret and restricted keys (`sk_live_…`, `rk_live_…`, and their `_test_` twins), Slack
 * incoming-webhook URLs (`https://hooks.slack.com/services/T…/B…/…`: the path after `services/`), AWS access key ids
 * (`AKIA…`/`ASIA…`), AWS secret access keys (40 base64 characters on a line that says "secret"), Google API keys
 * (`AIza…`), JWTs, PEM private key blocks, `Authorization: Bearer <token>` values, credentials in URLs
 * (`postgres://user:password@host`, `redis://:password@host`), and the value of `password=`, `db_password:`,
 * `secret:`, `aws_secret_access_key =`, `token=`, `api_key:`-style assignments (quoted values whole, spaces and all).
 * Prefixes follow each vendor's documented token formats; each pattern asks for the random part's length, so that
 * prose naming a prefix ("live keys start with sk_live_") or a placeholder is left alone.
 */

export const REDACTED = '[redacted]';

const TOKEN_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bxapp-[A-Za-z0-9-]{10,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}/g,
  // Stripe: `sk_live_` / `rk_live_` and 24 or more alphanumerics (test-mode keys are secrets too).
  /\b[sr]k_(?:live|test)_[A-Za-z0-9]{20,}/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
];

/**
 * A Slack incoming webhook (`https://hooks.slack.com/services/T…/B…/<24 characters>`, and the `workflows`/`triggers`
 * kinds): anyone holding the URL can post, so everything after the kind goes.
 */
const SLACK_WEBHOOK =
  /\b(hooks\.slack\.com\/(?:services|workflows|triggers)\/)T[A-Z0-9]+\/[A-Za-z0-9/]*[A-Za-z0-9]{16,}/g;

/**
 * `Authorization: Bearer <token>` (in a header, a `curl -H`, a JSON or Python dict): the token goes. A token is 16 or
 * more RFC 6750 token characters holding a digit, or 32 or more, so "Authorization: Bearer authentication" stays.
 */
const BEARER_TOKEN =
  /(authorization["']?\s*[:=]\s*["']?bearer\s+)(?:(?=[A-Za-z0-9._~+/-]*[0-9])[A-Za-z0-9._~+/-]{16,}|[A-Za-z0-9._~+/-]{32,})=*/gi;

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
  result = result.replace(SLACK_WEBHOOK, `$1${REDACTED}`);
  result = result.replace(BEARER_TOKEN, `$1${REDACTED}`);
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
 * What may come before a secret on the same line (a setting's name, "secret", `Authorization: Bearer`) or open a
 * secret that spans lines (a PEM block): a streamed line holding one is passed on only once it is whole.
 */
const SECRET_LEAD = new RegExp(`${SECRET_NAME}|authorization|bearer|-----BEGIN`, 'i');

/**
 * A filter for streamed text. It passes on only what is followed by whitespace (a token is one run of non-space
 * characters, so it is whole and redacted before it is passed on), and a line that holds a secret's lead
 * (`password: `, `Authorization: Bearer `, "the secret key is ") only once the line is whole, since its secret is
 * the next word (a PEM block: once it is closed). It holds back a reply while it may still turn out to be `hold`
 * (the model's "not covered" word, which is never shown). `end()` flushes the rest.
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
      const pem = pending.search(/-----BEGIN /);
      const open = pem === -1 ? '' : pending.slice(pem);
      // Inside an unclosed PEM block: everything from its start waits for its end line.
      const limit = pem !== -1 && !/-----END [A-Z ]*-----/.test(open) ? pem : pending.length;
      const lines = pending.slice(0, limit);
      let cut = lines.lastIndexOf('\n') + 1;
      const line = lines.slice(cut);
      if (!SECRET_LEAD.test(line)) cut += line.lastIndexOf(' ') + 1;
      if (cut === 0) return;
      emit(pending.slice(0, cut));
      pending = pending.slice(cut);
    },
    end() {
      if (started) emit(pending);
      pending = '';
    },
  };
}
