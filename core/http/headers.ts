import { ConfigError } from '../errors.ts';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// RFC 9110 field values: no control character but tab. A line break would split the request.
const CONTROL = /(?!\t)\p{Cc}/u;
/** Headers that frame a request or its connection: set by the HTTP client, never by config. */
const FRAMING = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);

/**
 * Configured upstream headers (custom headers, provider `headers`, override presets), checked at
 * load and keyed by lower-case name: HTTP names are case-insensitive, and two spellings of one
 * name would put both on the wire (`AUTHORIZATION` beside the adapter's `authorization`; the
 * upstream reads the first). A bad name, a framing header (`host`, `content-length`,
 * `transfer-encoding`, `connection`…) or a control character in a value throws a ConfigError
 * naming `where`; it would otherwise break every request. `null` values (a preset deleting a
 * header) are kept.
 */
export function configuredHeaders<V extends string | null>(
  headers: Readonly<Record<string, V>>,
  where: string,
): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new ConfigError(`${where}: "${name}" is not a valid header name`);
    const lower = name.toLowerCase();
    if (FRAMING.has(lower)) {
      throw new ConfigError(
        `${where}: "${name}" frames the request and is set by ccproxy's HTTP client; remove it`,
      );
    }
    if (typeof value === 'string' && CONTROL.test(value)) {
      throw new ConfigError(
        `${where}: the value of "${name}" contains a line break or another control character`,
      );
    }
    out[lower] = value;
  }
  return out;
}
