import type { MessagesRequest, TextBlock } from '../../../core/index.ts';

/** Claude Code's per-request billing line (PROTOCOL §5.6): it defeats every other vendor's prompt cache. */
const ATTRIBUTION = 'x-anthropic-billing-header:';

/** True for Claude Code's attribution block, which only Anthropic should receive (C2, J4). */
export const isAttributionText = (text: string): boolean => text.trimStart().startsWith(ATTRIBUTION);

/**
 * The system prompt's texts in order, for a translated upstream: a leading attribution block
 * dropped, `cache_control` and other Anthropic-only fields left behind.
 */
export function systemTexts(system: MessagesRequest['system']): string[] {
  if (system === undefined) return [];
  const blocks: Pick<TextBlock, 'text'>[] = typeof system === 'string' ? [{ text: system }] : system;
  const texts = blocks.map((block) => block.text ?? '').filter((text) => text !== '');
  if (texts[0] !== undefined && isAttributionText(texts[0])) texts.shift();
  return texts;
}
