import type { ContentBlock, Message, StreamEvent } from '../anthropic.ts';
import { ProxyError, errorFromEvent } from '../errors.ts';

interface OpenBlock {
  block: Record<string, unknown>;
  json: string;
}

/**
 * Folds a well-formed event stream into one Message, as the Anthropic SDK does (PROTOCOL §3.3):
 * deltas concatenate, tool input JSON is parsed at the block's stop, `message_delta` sets the stop
 * fields and overrides usage only with non-null values. An `error` event throws it as a ProxyError.
 */
export class MessageAccumulator {
  private message: Message | null = null;
  private open: OpenBlock | null = null;

  push(event: StreamEvent): void {
    switch (event.type) {
      case 'message_start':
        this.message = {
          ...event.message,
          content: [...event.message.content],
          usage: { ...event.message.usage },
        };
        return;
      case 'content_block_start': {
        const block = { ...event.content_block } as Record<string, unknown>;
        this.message?.content.push(block as unknown as ContentBlock);
        this.open = { block, json: '' };
        return;
      }
      case 'content_block_delta':
        if (this.open) applyDelta(this.open, event.delta);
        return;
      case 'content_block_stop':
        if (
          this.open &&
          (this.open.block.type === 'tool_use' || this.open.block.type === 'server_tool_use')
        ) {
          this.open.block.input = parseInput(this.open.json, this.open.block.input);
        }
        this.open = null;
        return;
      case 'message_delta': {
        if (!this.message) return;
        this.message.stop_reason = event.delta.stop_reason;
        this.message.stop_sequence = event.delta.stop_sequence ?? null;
        for (const [key, value] of Object.entries(event.usage)) {
          if (value !== null && value !== undefined) this.message.usage[key] = value;
        }
        return;
      }
      case 'error':
        throw errorFromEvent(event);
      case 'message_stop':
      case 'ping':
        return;
    }
  }

  /** The folded message; throws when the stream never started. */
  result(): Message {
    if (!this.message) throw new ProxyError('api_error', 502, 'The upstream returned no message');
    return this.message;
  }
}

function applyDelta(open: OpenBlock, delta: Record<string, unknown>): void {
  const block = open.block;
  switch (delta.type) {
    case 'text_delta':
      block.text = `${(block.text as string | undefined) ?? ''}${delta.text as string}`;
      return;
    case 'input_json_delta':
      open.json += delta.partial_json as string;
      return;
    case 'thinking_delta':
      block.thinking = `${(block.thinking as string | undefined) ?? ''}${delta.thinking as string}`;
      return;
    case 'signature_delta':
      block.signature = delta.signature;
      return;
    case 'citations_delta':
      block.citations = [
        ...((block.citations as unknown[] | null | undefined) ?? []),
        delta.citation,
      ];
      return;
  }
}

function parseInput(json: string, fallback: unknown): unknown {
  if (!json) return fallback ?? {};
  try {
    return JSON.parse(json);
  } catch {
    return fallback ?? {};
  }
}

/** Folds a whole event sequence: for tests and non-streaming sinks. */
export function foldEvents(events: Iterable<StreamEvent>): Message {
  const accumulator = new MessageAccumulator();
  for (const event of events) accumulator.push(event);
  return accumulator.result();
}
