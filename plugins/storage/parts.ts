import { hash } from 'node:crypto';
import type { HistoryBody } from '../../core/storage.ts';
import { rawParts } from './raw-json.ts';
import type { LastTurns } from './turns.ts';

/** A piece of a stored conversation: a message, the system prompt, the tools or the answer. */
export interface Part {
  /** 128 bits of SHA-256 over `json`: the part's key, shared by every request that sends it. */
  hash: string;
  /**
   * The part as JSON, unredacted, without `cache_control` markers. Serialised on first read: a
   * part found through its received text (`PartAliases`) is usually stored already and never is.
   */
  readonly json: string;
  /** Whether its words go into the full-text index (messages and the answer). */
  searchable: boolean;
}

/** Which parts a request's body is made of, by hash, in order. */
export interface Manifest {
  s?: string;
  t?: string;
  m: string[];
  r?: string;
  /** The body's `params` as redacted JSON: small, so kept in the manifest rather than as a part. */
  p?: string;
}

/**
 * The hash of a part's text as a client sent it → the part's own hash. Claude Code resends the
 * whole conversation every turn: hashing the received text of a message finds its part without
 * serialising the message again. Bounded: cleared when full, which costs one serialisation each.
 */
export class PartAliases {
  readonly #map = new Map<string, string>();
  readonly #max: number;
  constructor(max = 50_000) {
    this.#max = max;
  }
  get(raw: string): string | undefined {
    return this.#map.get(digest(raw));
  }
  set(raw: string, hash: string): void {
    if (this.#map.size >= this.#max) this.#map.clear();
    this.#map.set(digest(raw), hash);
  }
}

// Claude Code moves its cache breakpoints every turn; without the marker a message resent in the
// next request is byte-equal to the one stored, and is not stored again.
const CACHE_CONTROL = /,"cache_control":\{[^{}]*\}|"cache_control":\{[^{}]*\},?/g;

const digest = (text: string): string => hash('sha256', text, 'base64url').slice(0, 22);

function serialise(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes('"cache_control"') ? json.replace(CACHE_CONTROL, '') : json;
}

function part(value: unknown, searchable: boolean): Part {
  const json = serialise(value);
  return { hash: digest(json), json, searchable };
}

/** Where the hashes of parts seen before are found, by the text they were received as. */
export interface PartMemory {
  aliases: PartAliases;
  /** With the request's `conversation`: its previous request, compared piece by piece. */
  turns?: LastTurns;
  /** The conversation the request belongs to (`LastTurns`); none: aliases only. */
  conversation?: string;
}

/**
 * A part by the text it was received as: its hash `known` from the conversation's previous turn,
 * else from the aliases when seen before.
 */
function partOf(
  value: unknown,
  searchable: boolean,
  raw: string | undefined,
  memory: PartMemory | undefined,
  known: string | undefined,
): Part {
  if (raw === undefined || !memory) return part(value, searchable);
  known ??= memory.aliases.get(raw);
  if (known === undefined) {
    const fresh = part(value, searchable);
    memory.aliases.set(raw, fresh.hash);
    return fresh;
  }
  return new KnownPart(known, value, searchable);
}

/**
 * A part found by the text it was received as: usually stored already, so its JSON is serialised
 * only if read. A class, not an object literal with a getter, which V8 builds the slow way.
 */
class KnownPart implements Part {
  readonly hash: string;
  readonly searchable: boolean;
  readonly #value: unknown;
  #json: string | undefined;

  constructor(hash: string, value: unknown, searchable: boolean) {
    this.hash = hash;
    this.#value = value;
    this.searchable = searchable;
  }

  get json(): string {
    return (this.#json ??= serialise(this.#value));
  }
}

/** `hash`, the part of `before`, when the text received now is the same. */
const sameAs = (now: string | undefined, before: string | undefined, hash: string | undefined) =>
  now !== undefined && now === before ? hash : undefined;

/**
 * Cuts a body into content-addressed parts: a session's shared prefix is stored once. With the
 * body's received text (`raw`) and a `memory`, parts seen before are found by their text: equal to
 * the conversation's previous turn, or by the text's hash.
 */
export function splitBody(
  body: HistoryBody,
  memory?: PartMemory,
): { manifest: Manifest; parts: Part[] } {
  const { turns, conversation } = memory ?? {};
  const previous = conversation === undefined ? undefined : turns?.get(conversation);
  const raw = body.raw === undefined ? undefined : rawParts(body.raw, previous?.raw);
  const rawMessages = raw?.messages?.length === body.messages.length ? raw.messages : undefined;
  const before = previous?.raw;
  const parts: Part[] = [];
  const manifest: Manifest = { m: [] };
  if (body.system !== undefined) {
    const known = sameAs(raw?.system, before?.system, previous?.hashes.s);
    parts.push(partOf(body.system, false, raw?.system, memory, known));
    manifest.s = parts.at(-1)!.hash;
  }
  if (body.tools !== undefined) {
    const known = sameAs(raw?.tools, before?.tools, previous?.hashes.t);
    parts.push(partOf(body.tools, false, raw?.tools, memory, known));
    manifest.t = parts.at(-1)!.hash;
  }
  body.messages.forEach((message, i) => {
    const known = sameAs(rawMessages?.[i], before?.messages?.[i], previous?.hashes.m[i]);
    parts.push(partOf(message, true, rawMessages?.[i], memory, known));
    manifest.m.push(parts.at(-1)!.hash);
  });
  if (raw && rawMessages && conversation !== undefined) {
    turns?.set(
      conversation,
      { raw, hashes: { s: manifest.s, t: manifest.t, m: manifest.m } },
      body.raw!.length,
    );
  }
  if (body.response !== null && body.response !== undefined) {
    // Stored as the assistant message the next request will resend, so that it matches.
    const { role, content } = body.response as { role?: unknown; content?: unknown };
    parts.push(part({ role, content }, true));
    manifest.r = parts.at(-1)!.hash;
  }
  return { manifest, parts };
}

/** Rebuilds a body from its manifest and stored parts (already redacted JSON). */
export function joinBody(manifest: Manifest, stored: ReadonlyMap<string, string>): HistoryBody {
  const load = (key: string | undefined): unknown => {
    const json = key === undefined ? undefined : stored.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  };
  const body: HistoryBody = { messages: manifest.m.map(load), response: load(manifest.r) ?? null };
  if (manifest.s !== undefined) body.system = load(manifest.s);
  if (manifest.t !== undefined) body.tools = load(manifest.t);
  if (manifest.p !== undefined) body.params = JSON.parse(manifest.p) as Record<string, unknown>;
  return body;
}

/** The words of a message for the full-text index: text, tool inputs and tool results. */
export function searchText(json: string): string {
  const out: string[] = [];
  const visit = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (key === 'text' || key === 'content' || key === 'input' || key === 'thinking')
        out.push(value);
    } else if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record.type === 'tool_use') out.push(JSON.stringify(record.input));
      for (const [k, v] of Object.entries(record)) if (k !== 'signature') visit(v, k);
    }
  };
  visit(JSON.parse(json), '');
  return out.join('\n');
}
