import type { BackendWire } from './http.ts';
import { trimUrl } from '../../shared/url.ts';

/** An Exa `/search` response (docs.exa.ai, "Search"). */
interface ExaResponse {
  results?: {
    title?: string | null;
    url?: string;
    publishedDate?: string | null;
    text?: string;
    highlights?: string[];
    summary?: string;
  }[];
}

/** Characters of page text asked per result: enough to answer from, small enough to send on. */
const TEXT_CHARS = 1500;

/**
 * Exa: `POST /search` with `x-api-key`; domains as `includeDomains`/`excludeDomains`,
 * `user_location.country` as `userLocation`; highlights asked, the page text as a fallback.
 */
export const exa: BackendWire = {
  name: 'exa',
  defaultBaseUrl: 'https://api.exa.ai',
  needsKey: true,
  request(query, settings) {
    const country = query.userLocation?.country;
    return {
      method: 'POST',
      url: `${trimUrl(settings.baseUrl)}/search`,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-api-key': settings.apiKey ?? '',
      },
      body: {
        query: query.query,
        numResults: query.maxResults,
        type: 'auto',
        contents: {
          highlights: { maxCharacters: TEXT_CHARS },
          text: { maxCharacters: TEXT_CHARS },
        },
        ...(query.allowedDomains?.length && { includeDomains: query.allowedDomains }),
        ...(query.blockedDomains?.length && { excludeDomains: query.blockedDomains }),
        ...(country && { userLocation: country.toUpperCase() }),
      },
    };
  },
  parse(body) {
    return ((body as ExaResponse).results ?? []).map((r) => ({
      url: r.url ?? '',
      title: r.title || r.url || '',
      content: r.highlights?.join(' … ') || r.text || r.summary || '',
      pageAge: r.publishedDate ?? null,
    }));
  },
};
