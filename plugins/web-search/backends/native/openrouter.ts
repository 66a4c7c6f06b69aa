import { jsonHeaders, type BackendWire } from '../http.ts';
import { trimUrl } from '../../../shared/url.ts';
import { hitsFromCitations, searchPrompt, sentenceBefore, type CitedSpan } from './shared.ts';

/**
 * An OpenRouter chat completion with the `web` plugin (openrouter.ai/docs, "Web Search": the
 * message carries `url_citation` annotations with the page excerpt as `content`).
 */
interface OpenRouterResponse {
  choices?: {
    message?: {
      content?: string | null;
      annotations?: {
        type?: string;
        url_citation?: { url?: string; title?: string; content?: string; start_index?: number };
      }[];
    };
  }[];
}

/**
 * OpenRouter's web plugin (the same search `:online` models use) on any model: each
 * `url_citation` becomes a hit with the excerpt OpenRouter attaches, or the sentence it follows.
 */
export const openrouter: BackendWire = {
  name: 'openrouter',
  defaultBaseUrl: 'https://openrouter.ai/api/v1',
  needsKey: true,
  request(query, settings) {
    return {
      method: 'POST',
      url: `${trimUrl(settings.baseUrl)}/chat/completions`,
      headers: jsonHeaders(settings.apiKey),
      body: {
        model: settings.model ?? 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: searchPrompt(query) }],
        plugins: [{ id: 'web', max_results: query.maxResults }],
      },
    };
  },
  parse(body) {
    const message = (body as OpenRouterResponse).choices?.[0]?.message;
    const answer = message?.content ?? '';
    const spans: CitedSpan[] = [];
    for (const a of message?.annotations ?? []) {
      const c = a.url_citation;
      if (a.type !== 'url_citation' || !c?.url) continue;
      spans.push({
        url: c.url,
        title: c.title ?? '',
        text: c.content || sentenceBefore(answer, c.start_index ?? 0),
      });
    }
    return hitsFromCitations(spans, answer);
  },
};
