import type { SearchHit, SearchQuery } from '../types.ts';

/**
 * What a provider-native backend asks its model: search, then answer with sources. The model's
 * citations become the hits; the filters it cannot take as parameters go into the prompt.
 */
export function searchPrompt(query: SearchQuery): string {
  const lines = [
    `Search the web for: ${query.query}`,
    'Answer briefly, citing the sources you used.',
  ];
  if (query.allowedDomains?.length)
    lines.push(`Only use sources on: ${query.allowedDomains.join(', ')}.`);
  if (query.blockedDomains?.length)
    lines.push(`Never use sources on: ${query.blockedDomains.join(', ')}.`);
  const where = query.userLocation;
  const place = [where?.city, where?.region, where?.country].filter(Boolean).join(', ');
  if (place) lines.push(`The user is near ${place}.`);
  return lines.join('\n');
}

/** A source the model cited and the words of its answer that source supports. */
export interface CitedSpan {
  url: string;
  title: string;
  /** The supported words; '' when the citation marks no span. */
  text: string;
  site?: string;
}

/** One hit per cited URL, in first-cited order; its content is the answer text it supports. */
export function hitsFromCitations(spans: readonly CitedSpan[], answer: string): SearchHit[] {
  const byUrl = new Map<string, SearchHit>();
  for (const span of spans) {
    if (!span.url) continue;
    const hit = byUrl.get(span.url);
    if (!hit) {
      byUrl.set(span.url, {
        url: span.url,
        title: span.title || span.url,
        content: span.text,
        pageAge: null,
        ...(span.site && { site: span.site }),
      });
    } else if (span.text && !hit.content.includes(span.text)) {
      hit.content = hit.content ? `${hit.content} ${span.text}` : span.text;
    }
  }
  // A source cited without a span still tells the model something: the whole answer.
  for (const hit of byUrl.values()) hit.content ||= answer;
  return [...byUrl.values()];
}

/** The sentence of `text` that ends at `index`, where an inline citation (`([site](url))`) sits. */
export function sentenceBefore(text: string, index: number): string {
  const head = text.slice(0, index).replace(/[\s([]+$/, '');
  const start = Math.max(head.lastIndexOf('. '), head.lastIndexOf('\n'));
  return head.slice(start + 1).trim();
}
