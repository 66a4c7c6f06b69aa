import type { SearchErrorCode, SearchHit } from './backends/types.ts';

/**
 * What the model reads: the function it is offered and the tool results it gets back. Results are
 * numbered across the whole response so that `[n]` in the answer names one source.
 */

/** The function offered in place of Anthropic's server tool (PROTOCOL §7.1). */
export const WEB_SEARCH_FUNCTION = {
  name: 'web_search',
  description:
    'Search the web for current information. Returns numbered results (title, URL, date, excerpt). ' +
    'Use it for facts that may have changed or that you do not know.',
  input_schema: {
    type: 'object',
    properties: { query: { type: 'string', description: 'The search query' } },
    required: ['query'],
  },
};

/** Characters of each result's text the model reads. */
const CONTENT_CHARS = 2000;

/** Numbered results, `first` being the number of the first hit. */
export function resultsText(
  query: string,
  hits: readonly SearchHit[],
  first: number,
  citations: boolean,
): string {
  if (hits.length === 0) return `No web results found for "${query}".`;
  const lines = [`Web search results for "${query}":`];
  hits.forEach((hit, i) => {
    lines.push('', `[${first + i}] ${hit.title}`, `URL: ${hit.url}`);
    if (hit.pageAge) lines.push(`Published: ${hit.pageAge}`);
    if (hit.content) lines.push(hit.content.slice(0, CONTENT_CHARS));
  });
  if (citations) {
    lines.push(
      '',
      'Cite a result by writing its number in brackets, like [1], right after the sentence it supports.',
    );
  }
  return lines.join('\n');
}

/** What the model is told when a search did not run. */
export function errorText(code: SearchErrorCode): string {
  switch (code) {
    case 'max_uses_exceeded':
      return 'The web search limit for this request is reached. Answer with the results you already have.';
    case 'invalid_tool_input':
      return 'The web_search call needs a non-empty "query" string.';
    case 'query_too_long':
      return 'The search query is too long; use a shorter one.';
    default:
      return `The web search failed (${code}). Answer from what you know and say that the search failed.`;
  }
}
