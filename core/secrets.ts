import { asProxyError, type ProxyError } from './errors.ts';

/** Upstream text longer than this is cut: an error message is for reading, not a data channel. */
export const MAX_UPSTREAM_TEXT = 2048;

/** Shorter values are not treated as secrets: redacting `1` or `yes` would garble every message. */
const MIN_SECRET_LENGTH = 8;

const REDACTED = '[redacted]';

/**
 * The credentials a running proxy holds (upstream keys, custom header values, planner and search
 * keys, client keys), registered by plugins in `setup` with `app.addSecret`. An upstream that
 * echoes a request's headers in its error text would otherwise hand them to the client, the log
 * and `/health`.
 */
export class Secrets {
  private readonly values = new Set<string>();
  /** Longest first, so that a secret containing another is replaced whole. */
  private sorted: string[] = [];

  /** Registers a value (`undefined` and short values are ignored); for `Bearer x`, `x` too. */
  add(value: string | undefined): void {
    if (!value) return;
    for (const each of [value, /^(?:bearer|basic|token)\s+(.+)$/i.exec(value)?.[1]]) {
      if (each && each.length >= MIN_SECRET_LENGTH) this.values.add(each);
    }
    this.sorted = [...this.values].sort((a, b) => b.length - a.length);
  }

  /** `text` with every secret (and `extra`, the client's own key) replaced, cut to 2 KB. */
  redact(text: string, extra?: string): string {
    const out = this.scrub(
      text.length > MAX_UPSTREAM_TEXT * 4 ? text.slice(0, MAX_UPSTREAM_TEXT * 4) : text,
      extra,
    );
    // Cut after redacting: a cut through a secret would leave its first part unredacted.
    return out.length > MAX_UPSTREAM_TEXT
      ? `${out.slice(0, MAX_UPSTREAM_TEXT)}… (cut; ${text.length} characters in all)`
      : out;
  }

  /** `text` with every secret (and `extra`) replaced, whole: for bytes relayed as they came. */
  scrub(text: string, extra?: string): string {
    let out = text;
    for (const secret of this.sorted)
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    if (extra && extra.length >= MIN_SECRET_LENGTH && out.includes(extra))
      out = out.split(extra).join(REDACTED);
    return out;
  }
}

/**
 * The error with its message redacted (`redact` is `ctx.redact`), in place: every later reader
 * (the breaker's `lastError`, the log, `onFinish`, the client) sees the same redacted text.
 */
export function redactError(error: unknown, redact: (text: string) => string): ProxyError {
  const e = asProxyError(error);
  e.message = redact(e.message);
  return e;
}
