import type { BackendWire } from '../http.ts';
import { trimUrl } from '../../../shared/url.ts';
import { hitsFromCitations, searchPrompt, type CitedSpan } from './shared.ts';

/**
 * A Gemini `generateContent` response with Google Search grounding (ai.google.dev, "Grounding
 * with Google Search": `groundingMetadata.groundingChunks` and `groundingSupports`).
 */
interface GeminiResponse {
  candidates?: {
    content?: { parts?: { text?: string; thought?: boolean }[] };
    groundingMetadata?: {
      groundingChunks?: { web?: { uri?: string; title?: string } }[];
      groundingSupports?: { segment?: { text?: string }; groundingChunkIndices?: number[] }[];
    };
  }[];
}

/**
 * Gemini with the `google_search` tool: Google searches, Gemini answers, and each grounding chunk
 * becomes a hit whose content is the answer segments it supports. Chunk links are Google redirect
 * URLs titled with the site's domain, kept as `site` for the domain filters.
 */
export const gemini: BackendWire = {
  name: 'gemini',
  defaultBaseUrl: 'https://generativelanguage.googleapis.com',
  needsKey: true,
  request(query, settings) {
    const model = settings.model ?? 'gemini-2.5-flash';
    return {
      method: 'POST',
      url: `${trimUrl(settings.baseUrl)}/v1beta/models/${encodeURIComponent(model)}:generateContent`,
      headers: { 'content-type': 'application/json', 'x-goog-api-key': settings.apiKey ?? '' },
      body: {
        contents: [{ role: 'user', parts: [{ text: searchPrompt(query) }] }],
        tools: [{ google_search: {} }],
      },
    };
  },
  parse(body) {
    const candidate = (body as GeminiResponse).candidates?.[0];
    const answer = (candidate?.content?.parts ?? [])
      .filter((p) => !p.thought)
      .map((p) => p.text ?? '')
      .join('');
    const chunks = candidate?.groundingMetadata?.groundingChunks ?? [];
    const spans: CitedSpan[] = [];
    const cite = (index: number, text: string) => {
      const web = chunks[index]?.web;
      if (web?.uri)
        spans.push({
          url: web.uri,
          title: web.title ?? '',
          text,
          ...(web.title && { site: web.title }),
        });
    };
    for (const support of candidate?.groundingMetadata?.groundingSupports ?? []) {
      for (const index of support.groundingChunkIndices ?? [])
        cite(index, support.segment?.text ?? '');
    }
    chunks.forEach((_, index) => cite(index, ''));
    return hitsFromCitations(spans, answer);
  },
};
