/** `sk-proj-abcdef…` → `sk-…cdef`: enough to tell two keys apart, never enough to use one. */
export function maskKey(key: string): string {
  if (key.length < 12) return '****';
  return `${key.slice(0, 3)}…${key.slice(-4)}`;
}

// A header named like a credential, or a value shaped like one (a token with no spaces or URL
// punctuation, bearer or not): `Authorization`, `X-Api-Key`, `Cookie`, a `sk-…` in a custom header.
const SECRET_NAME = /auth|key|token|secret|cookie|passw|session|signature|credential/i;
const SECRET_VALUE = /^(?:bearer\s+|basic\s+)?[\w.~+/=-]{16,}$/i;

/** Whether a header's value is a secret, shown masked. */
export const isSecretHeader = (name: string, value: string): boolean =>
  SECRET_NAME.test(name) || SECRET_VALUE.test(value);

/** Headers as a route may show them: credential values masked like a key, the others whole. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    shown[name] = isSecretHeader(name, value) ? maskKey(value) : value;
  return shown;
}

/**
 * Headers an editor sent back: a value equal to the masked form of the stored value of the same
 * header (names compared case-insensitively) is that stored value, so an edit keeps it.
 */
export function unmaskHeaders(
  sent: Record<string, string>,
  stored: Record<string, string>,
): Record<string, string> {
  const byName = new Map(
    Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(sent)) {
    const old = byName.get(name.toLowerCase());
    out[name] =
      old !== undefined && isSecretHeader(name, old) && value === maskKey(old) ? old : value;
  }
  return out;
}
