import type { ContentBlock, Message, StreamEvent } from '../../../core/index.ts';

/**
 * A non-streaming Anthropic Message as the events that fold back into it (DESIGN §2: the stream is
 * the one currency): text, thinking and tool input as deltas, other blocks complete at their start
 * as Anthropic streams them (`redacted_thinking`, server-tool results). Unknown fields are kept.
 */
export function messageToEvents(message: Message): StreamEvent[] {
  const { content, stop_reason, stop_sequence, usage, ...rest } = message;
  const events: StreamEvent[] = [
    {
      type: 'message_start',
      message: { ...rest, content: [], stop_reason: null, stop_sequence: null, usage },
    },
  ];
  content.forEach((block, index) => events.push(...blockEvents(block, index)));
  events.push(
    { type: 'message_delta', delta: { stop_reason, stop_sequence }, usage },
    { type: 'message_stop' },
  );
  return events;
}

function blockEvents(block: ContentBlock, index: number): StreamEvent[] {
  const start = (content_block: ContentBlock): StreamEvent => ({
    type: 'content_block_start',
    index,
    content_block,
  });
  const delta = (d: Record<string, unknown> & { type: string }): StreamEvent => ({
    type: 'content_block_delta',
    index,
    delta: d,
  });
  const stop: StreamEvent = { type: 'content_block_stop', index };
  switch (block.type) {
    case 'text': {
      const { text, citations, ...rest } = block;
      const deltas = (citations ?? []).map((citation) =>
        delta({ type: 'citations_delta', citation }),
      );
      return [
        start({ ...rest, type: 'text', text: '' }),
        ...deltas,
        delta({ type: 'text_delta', text }),
        stop,
      ];
    }
    case 'thinking': {
      const { thinking, signature, ...rest } = block;
      return [
        start({ ...rest, type: 'thinking', thinking: '', signature: '' }),
        delta({ type: 'thinking_delta', thinking }),
        delta({ type: 'signature_delta', signature }),
        stop,
      ];
    }
    case 'tool_use':
    case 'server_tool_use': {
      const { input, ...rest } = block;
      return [
        start({ ...rest, input: {} }),
        delta({ type: 'input_json_delta', partial_json: JSON.stringify(input ?? {}) }),
        stop,
      ];
    }
    default:
      return [start(block), stop];
  }
}
