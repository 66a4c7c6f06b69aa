import { jsonHeaders, type BackendWire } from './http.ts';
import { trimUrl } from '../../shared/url.ts';

/** A Tavily `/search` response (docs.tavily.com, API reference "Search"). */
interface TavilyResponse {
  results?: { title?: string; url?: string; content?: string; published_date?: string }[];
}

/**
 * Tavily: `POST /search` with a bearer key; domains as `include_domains`/`exclude_domains`.
 * Tavily's `country` takes English country names, not the ISO code `user_location` carries, so
 * the location is not sent.
 */
export const tavily: BackendWire = {
  name: 'tavily',
  defaultBaseUrl: 'https://api.tavily.com',
  needsKey: true,
  request(query, settings) {
    return {
      method: 'POST',
      url: `${trimUrl(settings.baseUrl)}/search`,
      headers: jsonHeaders(settings.apiKey),
      body: {
        query: query.query,
        max_results: query.maxResults,
        search_depth: 'basic',
        include_answer: false,
        ...(query.allowedDomains?.length && { include_domains: query.allowedDomains }),
        ...(query.blockedDomains?.length && { exclude_domains: query.blockedDomains }),
      },
    };
  },
  parse(body) {
    return ((body as TavilyResponse).results ?? []).map((r) => ({
      url: r.url ?? '',
      title: r.title ?? r.url ?? '',
      content: r.content ?? '',
      pageAge: r.published_date ?? null,
    }));
  },
};
