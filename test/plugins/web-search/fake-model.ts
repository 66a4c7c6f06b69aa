import type { MessagesRequest, Plugin, StreamEvent } from '../../../core/index.ts';

/** One block of a scripted model answer. */
export type FakeBlock =
  | { text: string | string[] }
  | { thinking: string; signature: string }
  | { search: string; id?: string }
  | { tool: string; input: unknown; id?: string };

export interface FakeModel {
  plugin: Plugin;
  /** Every request the provider received, copied as sent. */
  requests: MessagesRequest[];
}

/**
 * A provider plugin that answers the n-th call with the n-th script (the last repeats), yielding
 * Anthropic events as an adapter would: the model behind the web-search loop, without a wire.
 */
export function fakeModel(scripts: StreamEvent[][], name = 'fake'): FakeModel {
  const requests: MessagesRequest[] = [];
  const plugin: Plugin = {
    name: `fake-model-${name}`,
    setup(app) {
      app.registerProvider({
        name,
        async *send(_ctx, request) {
          requests.push(structuredClone(request));
          yield* structuredClone(scripts[Math.min(requests.length - 1, scripts.length - 1)]!);
        },
      });
    },
  };
  return { plugin, requests };
}

let ids = 0;

/** The events of one model answer: each block streamed, then the stop reason and usage. */
export function reply(
  blocks: FakeBlock[],
  stop: 'end_turn' | 'tool_use' | 'max_tokens' = 'end_turn',
): StreamEvent[] {
  const events: StreamEvent[] = [
    {
      type: 'message_start',
      message: {
        id: 'msg_fake',
        type: 'message',
        role: 'assistant',
        model: 'fake-model',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 90, output_tokens: 1 },
      },
    },
  ];
  blocks.forEach((block, index) => {
    if ('text' in block) {
      events.push({
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      for (const text of [block.text].flat())
        events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
    } else if ('thinking' in block) {
      events.push(
        {
          type: 'content_block_start',
          index,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        },
        {
          type: 'content_block_delta',
          index,
          delta: { type: 'thinking_delta', thinking: block.thinking },
        },
        {
          type: 'content_block_delta',
          index,
          delta: { type: 'signature_delta', signature: block.signature },
        },
      );
    } else {
      const [name, input] =
        'search' in block ? ['web_search', { query: block.search }] : [block.tool, block.input];
      const json = JSON.stringify(input);
      events.push(
        {
          type: 'content_block_start',
          index,
          content_block: {
            type: 'tool_use',
            id: block.id ?? `toolu_fake${++ids}`,
            name,
            input: {},
          },
        },
        {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: json.slice(0, 5) },
        },
        {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: json.slice(5) },
        },
      );
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push(
    {
      type: 'message_delta',
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { input_tokens: 100, output_tokens: 10 },
    },
    { type: 'message_stop' },
  );
  return events;
}
