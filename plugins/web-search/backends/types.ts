/**
 * The one interface every search backend implements, and the pieces they share: the query the
 * loop hands over, the hits it gets back, and the error codes Anthropic's `web_search` reports.
 */

/** Anthropic's `user_location` of a `web_search` tool. */
export interface UserLocation {
  type?: 'approximate';
  city?: string;
  region?: string;
  /** ISO 3166-1 alpha-2, e.g. `US`. */
  country?: string;
  timezone?: string;
}

/** One search the model asked for, with the tool's filters. */
export interface SearchQuery {
  query: string;
  /** How many hits to return at most. */
  maxResults: number;
  allowedDomains?: readonly string[];
  blockedDomains?: readonly string[];
  userLocation?: UserLocation;
  /** Fires when the client leaves or the backend's time is up. */
  signal: AbortSignal;
}

/** One result, whatever the backend called its fields. */
export interface SearchHit {
  url: string;
  title: string;
  /** The page text the model reads and citations quote: snippet, summary or extract. */
  content: string;
  /** When the page was published or last seen, as the backend says it; null if unknown. */
  pageAge: string | null;
  /** The page's host when `url` does not show it (Gemini cites through redirect links). */
  site?: string;
}

/** A search backend: Tavily, Brave, SearXNG, Bocha, Exa, a provider's own search, or yours. */
export interface SearchBackend {
  /** Shown in logs, e.g. `tavily`. */
  readonly name: string;
  /** The hits for one query; throws a SearchError when the backend fails. */
  search(query: SearchQuery): Promise<SearchHit[]>;
}

/** The `error_code`s of a `web_search_tool_result_error` (PROTOCOL §2). */
export type SearchErrorCode =
  | 'invalid_tool_input'
  | 'unavailable'
  | 'max_uses_exceeded'
  | 'too_many_requests'
  | 'query_too_long'
  | 'request_too_large';

/** A failed search, reported to the client as a `web_search_tool_result` error, never thrown on. */
export class SearchError extends Error {
  readonly code: SearchErrorCode;

  constructor(code: SearchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SearchError';
    this.code = code;
  }
}
