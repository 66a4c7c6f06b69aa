import type { StreamEvent } from '../anthropic.ts';

/** One event on the wire: the `event:` name always equals the data's `type` (PROTOCOL B2). */
export function serializeEvent(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export const PING = serializeEvent({ type: 'ping' });

/** Headers of an SSE response; proxies in front must not buffer it (PROTOCOL §3.1). */
export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const;
