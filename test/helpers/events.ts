import type { MessagesRequest, StreamEvent } from '../../core/anthropic.ts';
import { messageStartEvent, type Plugin, type ProxyContext } from '../../core/index.ts';

/** A complete, well-formed stream answering `text` (split into `parts` deltas). */
export function textStream(
  text: string,
  { model = 'upstream-model', parts = 1, input = 10 } = {},
): StreamEvent[] {
  const size = Math.ceil(text.length / parts);
  const deltas: StreamEvent[] = [];
  for (let i = 0; i < text.length; i += size) {
    deltas.push({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: text.slice(i, i + size) },
    });
  }
  return [
    messageStart(model, input),
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    ...deltas,
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 5, input_tokens: input },
    },
    { type: 'message_stop' },
  ];
}

export function messageStart(model = 'upstream-model', input = 10): StreamEvent {
  return messageStartEvent(model, { input_tokens: input, output_tokens: 1 });
}

export type Script = (
  ctx: ProxyContext,
  request: MessagesRequest,
) => AsyncIterable<StreamEvent> | Iterable<StreamEvent>;

export interface FakeProvider {
  plugin: Plugin;
  /** Requests the provider received, in order, with the target they were sent to. */
  calls: { request: MessagesRequest; target: string; ctx: ProxyContext }[];
}

/** A provider plugin that answers from a script, recording what reached it. */
export function fakeProvider(name: string, script: Script, models: string[] = []): FakeProvider {
  const calls: FakeProvider['calls'] = [];
  const plugin: Plugin = {
    name: `fake-${name}`,
    setup(app) {
      app.registerProvider({
        name,
        models,
        async *send(ctx, request) {
          calls.push({
            request: structuredClone(request),
            target: `${ctx.target.provider},${ctx.target.model}`,
            ctx,
          });
          yield* script(ctx, request);
        },
      });
    },
  };
  return { plugin, calls };
}
