import {
  estimateTextTokens,
  messageStartEvent,
  type MessagesRequest,
  type StreamEvent,
  type TextBlock,
} from '../../core/index.ts';
import type { CachedPlan } from './cache.ts';

/**
 * The request the executor gets for a GUIDANCE plan: the client's request with the real tools,
 * `tool_choice: auto`, and the planner's ANALYSIS and GUIDANCE appended to the original system
 * prompt (kept first, so an upstream's prompt cache still matches its prefix).
 */
export function executorRequest(
  request: MessagesRequest,
  plan: CachedPlan & { kind: 'guidance' },
): MessagesRequest {
  const analysis = plan.analysis ? `ANALYSIS:\n${plan.analysis}\n\n` : '';
  const text = `A planner has studied this request. Follow its guidance, calling the tools it names.\n\n${analysis}GUIDANCE:\n${plan.guidance}`;
  return { ...request, system: appendSystem(request.system, text), tool_choice: { type: 'auto' } };
}

function appendSystem(system: MessagesRequest['system'], text: string): string | TextBlock[] {
  if (!system || (typeof system === 'string' && !system.trim())) return text;
  if (typeof system === 'string') return `${system}\n\n${text}`;
  return [...system, { type: 'text', text }];
}

/**
 * A complete Anthropic stream carrying the planner's SUMMARY as the answer. `inputTokens` is the
 * conversation's size, which Claude Code tracks for compaction; the planner's own tokens are
 * reported apart (see the plugin's usage note).
 */
export function summaryEvents(text: string, model: string, inputTokens: number): StreamEvent[] {
  return [
    messageStartEvent(model, { input_tokens: inputTokens, output_tokens: 1 }),
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: inputTokens, output_tokens: estimateTextTokens(text) },
    },
    { type: 'message_stop' },
  ];
}
