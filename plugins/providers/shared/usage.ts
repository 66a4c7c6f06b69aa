import type { MessageDeltaEvent, Usage } from '../../../core/index.ts';

/** An upstream's token counts in neutral terms; `input` includes cached and cache-written tokens. */
export interface TokenCounts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  /** Reasoning tokens, part of `output`. */
  thinking?: number;
}

/** The local figures used where an upstream reports nothing (D15). */
export interface UsageEstimate {
  /** The prompt estimate (`estimateInputTokens`). */
  input: number;
  /**
   * Output so far, summed per fragment with `estimateTextTokens`: a streamed fragment is about
   * one token, and rounding each up errs high, like the prompt estimate.
   */
  output: number;
}

/** `message_start` usage: the prompt estimate, so Claude Code has a size from the start (D16). */
export function startUsage(inputEstimate: number): Usage {
  return {
    input_tokens: inputEstimate,
    output_tokens: 1,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

/**
 * `message_start` usage from the upstream's own counts when they came before the first event (a
 * non-streamed answer), so a client reading the prompt size there (LangChain) gets the real one;
 * else the estimate.
 */
export function startUsageOf(counts: TokenCounts | null, inputEstimate: number): Usage {
  if (!counts?.input) return startUsage(inputEstimate);
  const usage = finalUsage(counts, { input: inputEstimate, output: 1 });
  return {
    input_tokens: usage.input_tokens ?? inputEstimate,
    output_tokens: 1,
    cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
  };
}

/**
 * The final `message_delta` usage (PROTOCOL §7.4; D13–D15): Anthropic counts input without cache
 * reads and writes; a count the upstream did not report (or reported as 0) is estimated, so
 * Claude Code never sees a zero prompt and stops compacting.
 */
export function finalUsage(
  counts: TokenCounts | null,
  estimate: UsageEstimate,
): MessageDeltaEvent['usage'] {
  const cacheRead = counts?.cacheRead ?? 0;
  const cacheWrite = counts?.cacheWrite ?? 0;
  const input = counts?.input ? Math.max(0, counts.input - cacheRead - cacheWrite) : estimate.input;
  const output = counts?.output ?? estimate.output;
  const usage: MessageDeltaEvent['usage'] = {
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
  if (counts?.thinking) usage.output_tokens_details = { thinking_tokens: counts.thinking };
  return usage;
}
