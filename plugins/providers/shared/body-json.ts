import { randomBytes } from 'node:crypto';
import { utf8Bytes } from '../../../core/index.ts';

/** Tool sets remembered: the main agent's and a few subagents' (each has its own). */
const REMEMBERED = 4;
/**
 * Larger tool sets are serialised each time, never kept: a client sending megabytes of tools
 * must not pin them in memory (Claude Code's, MCP servers' included, are tens of kilobytes).
 */
const MAX_REMEMBERED_CHARS = 512 * 1024;

interface KnownTools {
  json: string;
  /**
   * A private copy, parsed from `json` once the same text was seen twice: nothing else holds it,
   * so it never changes. Null until then (tools sent once are never compared).
   */
  tools: unknown[] | null;
}

const known: KnownTools[] = [];

/**
 * Stands in for `tools` while the rest of the body is serialised, then replaced by their JSON
 * text. Random, so that no request text can contain it.
 */
const PLACEHOLDER_JSON = JSON.stringify(`ccproxy-tools-${randomBytes(12).toString('hex')}`);
const PLACEHOLDER: unknown = JSON.parse(PLACEHOLDER_JSON);

/**
 * The UTF-8 bytes of `JSON.stringify(body)`, the text of its top-level `tools` reused when they
 * equal those of a recent body: Claude Code resends the same definitions with every turn (14 of
 * the 25 KB of the benchmark's request), and comparing them costs a fraction of serialising them
 * again. The bytes are identical: the placeholder keeps the key where it was, and the pieces are
 * written into one buffer, never joined into one string.
 */
export function bodyJson(body: unknown): Buffer {
  const tools = (body as { tools?: unknown } | null)?.tools;
  if (!Array.isArray(tools) || tools.length === 0 || !isPlain(body as object))
    return utf8Bytes(JSON.stringify(body));
  const json = recall(tools) ?? learn(JSON.stringify(tools));
  const rest = JSON.stringify({ ...(body as object), tools: PLACEHOLDER });
  const at = rest.indexOf(PLACEHOLDER_JSON);
  return utf8Bytes(rest.slice(0, at), json, rest.slice(at + PLACEHOLDER_JSON.length));
}

function recall(tools: unknown[]): string | undefined {
  for (let i = 0; i < known.length; i++) {
    const entry = known[i]!;
    if (entry.tools && sameJson(entry.tools, tools)) return promote(i).json;
  }
  return undefined;
}

/** Notes tools serialised to `json`; the second time the same text comes, they are kept. */
function learn(json: string): string {
  if (json.length > MAX_REMEMBERED_CHARS) return json;
  const seen = known.findIndex((entry) => entry.json === json);
  if (seen < 0) {
    known.unshift({ json, tools: null });
    if (known.length > REMEMBERED) known.pop();
  } else promote(seen).tools ??= JSON.parse(json) as unknown[];
  return json;
}

function promote(i: number): KnownTools {
  const entry = known[i]!;
  if (i > 0) {
    known.splice(i, 1);
    known.unshift(entry);
  }
  return entry;
}

/**
 * True when `a` (parsed JSON) and `b` serialise to the same text: equal primitives, arrays of the
 * same length, plain objects with the same keys in the same order (those `JSON.stringify` leaves
 * out skipped). Anything else (a `toJSON`, a class instance) is not compared: false.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null) return a === b;
  if (typeof b !== 'object' || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  // `a` is parsed JSON: a plain object without `toJSON`; its keys are read by for…in, which V8
  // serves from the object's map, and `b`'s listed once (the benchmark's tools: 17-40 → 11-25 µs).
  if (Array.isArray(b) || !isPlain(b)) return false;
  const others = Object.keys(b);
  let j = 0;
  for (const key in a) {
    while (j < others.length && omitted(b[others[j]!])) j++;
    if (key !== others[j] || !sameJson((a as Record<string, unknown>)[key], b[key])) return false;
    j++;
  }
  while (j < others.length && omitted(b[others[j]!])) j++;
  return j === others.length;
}

/** Values an object's JSON leaves out, with their key. */
const omitted = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

function isPlain(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && !('toJSON' in value);
}
