import {
  ProxyError,
  messageStartEvent,
  callUpstream,
  errorTypeForStatus,
  readSse,
  transportError,
  type Plugin,
  type StreamEvent,
} from '../../../core/index.ts';
import { sseData } from '../../helpers/upstream.ts';

/**
 * A minimal provider for router tests: it posts the request to `baseUrl` and reads Anthropic SSE
 * back, mapping HTTP errors (with `retry-after`) and transport failures as real adapters do.
 */
export function fakeProvider(name: string, baseUrl: string): Plugin {
  return {
    name: `provider-${name}`,
    setup(app) {
      app.registerProvider({
        name,
        async *send(ctx, request): AsyncGenerator<StreamEvent> {
          const res = await callUpstream(
            {
              url: `${baseUrl}/v1/messages`,
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ ...request, model: ctx.target.model, stream: true }),
              signal: ctx.signal,
            },
            name,
          );
          if (res.statusCode >= 400) {
            const text = await res.body.text().catch(() => '');
            const headers: Record<string, string> = {};
            const retryAfter = res.headers['retry-after'];
            if (typeof retryAfter === 'string') headers['retry-after'] = retryAfter;
            throw new ProxyError(
              errorTypeForStatus(res.statusCode),
              res.statusCode,
              `${name}: ${text}`,
              { headers },
            );
          }
          try {
            for await (const message of readSse(res.body)) {
              let event: StreamEvent;
              try {
                event = JSON.parse(message.data) as StreamEvent;
              } catch {
                throw new ProxyError('api_error', 502, `${name}: unreadable event`);
              }
              yield event;
            }
          } catch (error) {
            throw transportError(error, name);
          }
        },
      });
    },
  };
}

/** The Anthropic SSE of a text answer, one `text_delta` per piece. */
export function textStream(model: string, pieces: readonly string[]): string[] {
  return [
    sseData(messageStartEvent(model, { input_tokens: 5, output_tokens: 1 })),
    sseData({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
    ...pieces.map((text) =>
      sseData({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } }),
    ),
    sseData({ type: 'content_block_stop', index: 0 }),
    sseData({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: pieces.length },
    }),
    sseData({ type: 'message_stop' }),
  ];
}
