import { plainText, withSiteOperators, type BackendWire } from './http.ts';
import { trimUrl } from '../../shared/url.ts';

/** A Brave Search `/res/v1/web/search` response (api-dashboard.search.brave.com, "Web search"). */
interface BraveResponse {
  web?: {
    results?: {
      title?: string;
      url?: string;
      description?: string;
      extra_snippets?: string[];
      age?: string;
      page_age?: string;
    }[];
  };
}

/** Brave caps `count` at 20. */
const MAX_COUNT = 20;

/**
 * Brave Search: `GET /res/v1/web/search` with `X-Subscription-Token`. No domain parameters, so
 * domains become `site:` operators; `user_location.country` becomes `country`.
 */
export const brave: BackendWire = {
  name: 'brave',
  defaultBaseUrl: 'https://api.search.brave.com',
  needsKey: true,
  request(query, settings) {
    const params = new URLSearchParams({
      q: withSiteOperators(query),
      count: String(Math.min(query.maxResults, MAX_COUNT)),
    });
    const country = query.userLocation?.country;
    if (country && /^[A-Za-z]{2}$/.test(country)) params.set('country', country.toUpperCase());
    return {
      method: 'GET',
      url: `${trimUrl(settings.baseUrl)}/res/v1/web/search?${params}`,
      headers: { accept: 'application/json', 'x-subscription-token': settings.apiKey ?? '' },
    };
  },
  parse(body) {
    return ((body as BraveResponse).web?.results ?? []).map((r) => ({
      url: r.url ?? '',
      title: plainText(r.title ?? r.url ?? ''),
      content: plainText([r.description, ...(r.extra_snippets ?? [])].filter(Boolean).join(' ')),
      pageAge: r.page_age ?? r.age ?? null,
    }));
  },
};
