import { hash } from 'node:crypto';
import type { HistoryBody } from '../../core/storage.ts';

/** A piece of a stored conversation: a message, the system prompt, the tools or the answer. */
export interface Part {
  /** 128 bits of SHA-256 over `json`: the part's key, shared by every request that sends it. */
  hash: string;
  /** The part as JSON, unredacted, without `cache_control` markers. */
  json: string;
  /** Whether its words go into the full-text index (messages and the answer). */
  searchable: boolean;
}

/** Which parts a request's body is made of, by hash, in order. */
export interface Manifest {
  s?: string;
  t?: string;
  m: string[];
  r?: string;
}

// Claude Code moves its cache breakpoints every turn; without the marker a message resent in the
// next request is byte-equal to the one stored, and is not stored again.
const CACHE_CONTROL = /,"cache_control":\{[^{}]*\}|"cache_control":\{[^{}]*\},?/g;

function part(value: unknown, searchable: boolean): Part {
  const json = JSON.stringify(value).replace(CACHE_CONTROL, '');
  return { hash: hash('sha256', json, 'base64url').slice(0, 22), json, searchable };
}

/** Cuts a body into content-addressed parts: a session's shared prefix is stored once. */
export function splitBody(body: HistoryBody): { manifest: Manifest; parts: Part[] } {
  const parts: Part[] = [];
  const manifest: Manifest = { m: [] };
  if (body.system !== undefined) parts.push(part(body.system, false));
  if (body.system !== undefined) manifest.s = parts.at(-1)!.hash;
  if (body.tools !== undefined) {
    parts.push(part(body.tools, false));
    manifest.t = parts.at(-1)!.hash;
  }
  for (const message of body.messages) {
    parts.push(part(message, true));
    manifest.m.push(parts.at(-1)!.hash);
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
