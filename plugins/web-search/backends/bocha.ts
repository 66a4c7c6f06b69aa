import { jsonHeaders, type BackendWire } from './http.ts';
import { trimUrl } from '../../shared/url.ts';
import { SearchError } from './types.ts';

/** A Bocha `/v1/web-search` response (open.bochaai.com, "Web Search API"; Bing-compatible). */
interface BochaResponse {
  code?: number;
  msg?: string | null;
  data?: {
    webPages?: {
      value?: {
        name?: string;
        url?: string;
        snippet?: string;
        summary?: string;
        datePublished?: string | null;
        dateLastCrawled?: string | null;
      }[];
    };
  };
}

/** Bocha returns at most 50 results. */
const MAX_COUNT = 50;

/**
 * Bocha: `POST /v1/web-search` with a bearer key; domains as `include`/`exclude`, `|`-separated;
 * `summary: true` asks for the longer page summary the model reads.
 */
export const bocha: BackendWire = {
  name: 'bocha',
  defaultBaseUrl: 'https://api.bochaai.com',
  needsKey: true,
  request(query, settings) {
    return {
      method: 'POST',
      url: `${trimUrl(settings.baseUrl)}/v1/web-search`,
      headers: jsonHeaders(settings.apiKey),
      body: {
        query: query.query,
        count: Math.min(query.maxResults, MAX_COUNT),
        summary: true,
        freshness: 'noLimit',
        ...(query.allowedDomains?.length && { include: query.allowedDomains.join('|') }),
        ...(query.blockedDomains?.length && { exclude: query.blockedDomains.join('|') }),
      },
    };
  },
  parse(body) {
    const response = body as BochaResponse;
    // Bocha reports some failures (quota, bad key) as a non-200 `code` in the body.
    if (response.code !== undefined && response.code !== 200) {
      const code = response.code === 429 ? 'too_many_requests' : 'unavailable';
      throw new SearchError(code, `bocha: code ${response.code}: ${response.msg ?? ''}`);
    }
    return (response.data?.webPages?.value ?? []).map((r) => ({
      url: r.url ?? '',
      title: r.name ?? r.url ?? '',
      content: r.summary || r.snippet || '',
      pageAge: r.datePublished ?? r.dateLastCrawled ?? null,
    }));
  },
};
