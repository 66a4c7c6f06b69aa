import { withSiteOperators, type BackendWire } from './http.ts';
import { trimUrl } from '../../shared/url.ts';

/**
 * A SearXNG `/search?format=json` response (docs.searxng.org, "Search API"; the instance must list
 * `json` under `search.formats` in its settings.yml).
 */
interface SearxngResponse {
  results?: { url?: string; title?: string; content?: string; publishedDate?: string | null }[];
}

/**
 * SearXNG, self-hosted: `GET /search?q=…&format=json`, no key (put a fronting proxy's credential in
 * `headers`). Domains become `site:` operators, which the engines behind it understand.
 */
export const searxng: BackendWire = {
  name: 'searxng',
  needsKey: false,
  request(query, settings) {
    const params = new URLSearchParams({
      q: withSiteOperators(query),
      format: 'json',
      pageno: '1',
    });
    return {
      method: 'GET',
      url: `${trimUrl(settings.baseUrl)}/search?${params}`,
      headers: { accept: 'application/json' },
    };
  },
  parse(body) {
    return ((body as SearxngResponse).results ?? []).map((r) => ({
      url: r.url ?? '',
      title: r.title || r.url || '',
      content: r.content ?? '',
      pageAge: r.publishedDate ?? null,
    }));
  },
};
