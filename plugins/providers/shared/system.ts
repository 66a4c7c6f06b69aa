import type { TextBlock } from '../../../core/index.ts';

const ATTRIBUTION = 'x-anthropic-billing-header:';

/**
 * True for Claude Code's attribution block (PROTOCOL §5.6): its `cch` changes on every request,
 * so forwarding it defeats every prefix cache of a non-Anthropic upstream (C2).
 */
export const isAttributionBlock = (text: string): boolean => text.startsWith(ATTRIBUTION);

/**
 * The `system` field as one text for a translated upstream: blocks joined with a blank line,
 * a leading attribution block dropped (C1, C2). Empty when there is no system prompt.
 */
export function systemText(system: string | readonly TextBlock[] | undefined): string {
  if (system === undefined) return '';
  if (typeof system === 'string') return isAttributionBlock(system) ? '' : system;
  let text = '';
  for (const [i, block] of system.entries()) {
    if (i === 0 && isAttributionBlock(block.text)) continue;
    if (!block.text) continue;
    text = text ? `${text}\n\n${block.text}` : block.text;
  }
  return text;
}
