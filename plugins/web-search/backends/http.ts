import { callUpstream } from '../../../core/index.ts';
import { SearchError, type SearchBackend, type SearchHit, type SearchQuery } from './types.ts';

/** What a configured HTTP backend knows: where it is and how to sign in. */
export interface BackendSettings {
  /** Base URL, e.g. `https://api.tavily.com`; each backend has its vendor's as default. */
  baseUrl: string;
  /** Never logged, never put in an error message. */
  apiKey?: string;
  /** Extra headers (a reverse proxy's auth in front of SearXNG). */
  headers?: Record<string, string>;
  /** The model of a provider-native backend. */
  model?: string;
}

/** One HTTP request to a backend. */
export interface HttpSearch {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * A backend's wire format as two pure functions: the request for a query, the hits of a response
 * body. Tested with recorded JSON, without a server.
 */
export interface BackendWire {
  name: string;
  defaultBaseUrl?: string;
  /** True when the backend cannot work without `apiKey`. */
  needsKey: boolean;
  request(query: SearchQuery, settings: BackendSettings): HttpSearch;
  /** Throws SearchError for an error reported inside a 200 body. */
  parse(body: unknown, query: SearchQuery): SearchHit[];
}

const EXCERPT = 300;

/**
 * A SearchBackend speaking `wire` over HTTP: a deadline of `timeoutMs`, HTTP failures as
 * SearchErrors (429 → `too_many_requests`, the rest → `unavailable`), then the domain filters and
 * the result cap applied again, since not every backend honours them.
 */
export function httpBackend(
  wire: BackendWire,
  settings: BackendSettings,
  timeoutMs: number,
): SearchBackend {
  const secret = settings.apiKey;
  const hide = (text: string) => (secret ? text.split(secret).join('[redacted]') : text);
  return {
    name: wire.name,
    async search(query) {
      const call = wire.request(query, settings);
      const signal = AbortSignal.any([query.signal, AbortSignal.timeout(timeoutMs)]);
      let body: unknown;
      try {
        const res = await callUpstream(
          {
            url: call.url,
            method: call.method,
            headers: { ...call.headers, ...settings.headers },
            body: call.body === undefined ? undefined : JSON.stringify(call.body),
            signal,
            timeouts: { connectMs: timeoutMs, firstByteMs: timeoutMs, idleMs: timeoutMs },
          },
          wire.name,
        );
        const text = await res.body.text();
        if (res.statusCode >= 400) {
          const code = res.statusCode === 429 ? 'too_many_requests' : 'unavailable';
          throw new SearchError(
            code,
            `${wire.name}: HTTP ${res.statusCode}: ${hide(text.slice(0, EXCERPT))}`,
          );
        }
        body = JSON.parse(text);
      } catch (error) {
        if (query.signal.aborted) throw error;
        if (error instanceof SearchError) throw error;
        const detail = error instanceof Error ? error.message : String(error);
        throw new SearchError('unavailable', `${wire.name}: ${hide(detail)}`, { cause: error });
      }
      return filterHits(wire.parse(body, query), query);
    },
  };
}

/** A URL's host without `www.`, lower case; '' when it is not a URL. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return '';
  }
}

/** A domain filter entry (`example.com`, `https://www.example.com/docs`) as a bare host. */
function normalizeDomain(domain: string): string {
  const bare = domain
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '');
  return bare.split('/')[0]!.replace(/^www\./, '');
}

/** True when the hit is on `domain` or one of its subdomains. */
export function onDomain(hit: SearchHit, domain: string): boolean {
  const host = hit.site ? normalizeDomain(hit.site) : hostOf(hit.url);
  const d = normalizeDomain(domain);
  return host === d || host.endsWith(`.${d}`);
}

/** Applies allowed/blocked domains, drops duplicates and hits without a URL, caps the count. */
export function filterHits(hits: readonly SearchHit[], query: SearchQuery): SearchHit[] {
  const seen = new Set<string>();
  const out: SearchHit[] = [];
  for (const hit of hits) {
    if (!hit.url || seen.has(hit.url)) continue;
    if (query.allowedDomains?.length && !query.allowedDomains.some((d) => onDomain(hit, d)))
      continue;
    if (query.blockedDomains?.some((d) => onDomain(hit, d))) continue;
    seen.add(hit.url);
    out.push(hit);
    if (out.length === query.maxResults) break;
  }
  return out;
}

/**
 * The query with `site:` operators for backends that have no domain parameter (Brave, SearXNG):
 * the engines behind them understand `site:` and `-site:`.
 */
export function withSiteOperators(query: SearchQuery): string {
  const parts = [query.query];
  const allowed = query.allowedDomains?.map(normalizeDomain) ?? [];
  if (allowed.length === 1) parts.push(`site:${allowed[0]}`);
  else if (allowed.length > 1) parts.push(`(${allowed.map((d) => `site:${d}`).join(' OR ')})`);
  for (const d of query.blockedDomains ?? []) parts.push(`-site:${normalizeDomain(d)}`);
  return parts.join(' ');
}

/** Text without HTML tags and with the common entities decoded (Brave marks matches `<strong>`). */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Bearer auth plus a JSON body: what most backends take. */
export function jsonHeaders(apiKey: string | undefined): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json',
    ...(apiKey && { authorization: `Bearer ${apiKey}` }),
  };
}
