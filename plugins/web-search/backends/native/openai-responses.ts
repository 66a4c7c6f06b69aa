import { jsonHeaders, type BackendWire } from '../http.ts';
import { trimUrl } from '../../../shared/url.ts';
import { hitsFromCitations, searchPrompt, sentenceBefore, type CitedSpan } from './shared.ts';

/**
 * An OpenAI Responses API response with the `web_search` tool (platform.openai.com, "Web search":
 * `output_text` parts carry `url_citation` annotations).
 */
interface ResponsesResponse {
  output?: {
    type?: string;
    content?: {
      type?: string;
      text?: string;
      annotations?: { type?: string; url?: string; title?: string; start_index?: number }[];
    }[];
  }[];
}

/**
 * OpenAI's Responses API with its `web_search` tool: allowed domains as `filters.allowed_domains`,
 * `user_location` as is; each `url_citation` becomes a hit quoting the sentence it follows.
 */
export const openaiResponses: BackendWire = {
  name: 'openai-responses',
  defaultBaseUrl: 'https://api.openai.com/v1',
  needsKey: true,
  request(query, settings) {
    const where = query.userLocation;
    const tool = {
      type: 'web_search',
      ...(query.allowedDomains?.length && { filters: { allowed_domains: query.allowedDomains } }),
      ...(where && { user_location: { ...where, type: 'approximate' } }),
    };
    return {
      method: 'POST',
      url: `${trimUrl(settings.baseUrl)}/responses`,
      headers: jsonHeaders(settings.apiKey),
      body: {
        model: settings.model ?? 'gpt-4.1-mini',
        input: searchPrompt(query),
        tools: [tool],
        store: false,
      },
    };
  },
  parse(body) {
    const spans: CitedSpan[] = [];
    let answer = '';
    for (const item of (body as ResponsesResponse).output ?? []) {
      for (const part of item.type === 'message' ? (item.content ?? []) : []) {
        const text = part.text ?? '';
        answer += text;
        for (const a of part.annotations ?? []) {
          if (a.type !== 'url_citation' || !a.url) continue;
          spans.push({
            url: a.url,
            title: a.title ?? '',
            text: sentenceBefore(text, a.start_index ?? 0),
          });
        }
      }
    }
    return hitsFromCitations(spans, answer);
  },
};
