import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  toolUseId,
  type StreamEvent,
  type WebSearchResult,
  type WebSearchToolResultBlock,
} from '../../core/index.ts';
import type { SearchErrorCode, SearchHit } from './backends/types.ts';

/**
 * The blocks Anthropic's web search answers with (PROTOCOL §3.6), built from backend hits: a
 * `server_tool_use`, its `web_search_tool_result` with the same id, and the citations that point
 * into the results.
 */

/** `srvtoolu_…`, Anthropic's id shape for a server tool call. */
export const serverToolUseId = (): string => `srv${toolUseId()}`;

/** A complete `server_tool_use` block at `index`: start, the input as one JSON delta, stop. */
export function serverToolUseEvents(
  index: number,
  id: string,
  query: string,
  out: StreamEvent[],
): void {
  out.push(
    {
      type: 'content_block_start',
      index,
      content_block: { type: 'server_tool_use', id, name: 'web_search', input: {} },
    },
    {
      type: 'content_block_delta',
      index,
      delta: { type: 'input_json_delta', partial_json: JSON.stringify({ query }) },
    },
    { type: 'content_block_stop', index },
  );
}

/** A `web_search_tool_result` block at `index`; result blocks arrive complete, with no deltas. */
export function searchResultEvents(
  index: number,
  id: string,
  content: WebSearchToolResultBlock['content'],
  out: StreamEvent[],
): void {
  out.push(
    {
      type: 'content_block_start',
      index,
      content_block: { type: 'web_search_tool_result', tool_use_id: id, content },
    },
    { type: 'content_block_stop', index },
  );
}

/** The error content of a failed search. */
export const searchError = (code: SearchErrorCode): WebSearchToolResultBlock['content'] => ({
  type: 'web_search_tool_result_error',
  error_code: code,
});

/** Hits as `web_search_result`s. */
export function toResults(hits: readonly SearchHit[]): WebSearchResult[] {
  return hits.map((hit) => ({
    type: 'web_search_result',
    url: hit.url,
    title: hit.title,
    encrypted_content: encodeHit(hit),
    page_age: hit.pageAge,
  }));
}

const PREFIX = 'ccpws1.';

/**
 * `encrypted_content` is opaque to clients, who send it back in later turns; ccproxy packs the
 * hit into it (compressed, not encrypted: it is the page text the client could read anyway) so a
 * later turn can show the model what it found.
 */
export function encodeHit(hit: SearchHit): string {
  const packed = JSON.stringify([hit.url, hit.title, hit.content, hit.pageAge]);
  return PREFIX + deflateRawSync(packed).toString('base64url');
}

/** The hit packed by `encodeHit`, or null for anything else (Anthropic's own encrypted content). */
export function decodeHit(encrypted: unknown): SearchHit | null {
  if (typeof encrypted !== 'string' || !encrypted.startsWith(PREFIX)) return null;
  try {
    const [url, title, content, pageAge] = JSON.parse(
      inflateRawSync(Buffer.from(encrypted.slice(PREFIX.length), 'base64url')).toString('utf8'),
    ) as [string, string, string, string | null];
    return { url, title, content, pageAge };
  } catch {
    return null;
  }
}

/** Characters of quoted source text in a citation, Anthropic's `cited_text` limit. */
const CITED_TEXT_CHARS = 150;

/** A `web_search_result_location` citation of `hit`, result number `n` of the response. */
export function citationOf(hit: SearchHit, n: number) {
  return {
    type: 'web_search_result_location',
    url: hit.url,
    title: hit.title,
    encrypted_index: Buffer.from(String(n)).toString('base64url'),
    cited_text: hit.content.slice(0, CITED_TEXT_CHARS),
  };
}
