import {
  checkOptions,
  definePlugin,
  type EventResult,
  type Plugin,
  type ProxyContext,
  type StreamEvent,
} from 'ccproxy';
import { maskRequest, maskText, openTail } from './mask.ts';

export interface SecretGuardOptions {
  /** What replaces a secret. Default `[REDACTED]`. */
  mask?: string;
  /** Also mask secrets in the model's streamed text. Default `true`. */
  answers?: boolean;
}

declare module 'ccproxy' {
  interface ProxyState {
    /** The end of the last text delta, held back while it may be the start of a secret. */
    'secret-guard'?: { held: string };
  }
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: { mask: { type: 'string' }, answers: { type: 'boolean' } },
};

/**
 * Masks API keys and tokens (`sk-…`, `AKIA…`, `ghp_…`) in the prompt before it leaves for the
 * provider, and in the text the model streams back.
 * @example secretGuard({ mask: '«secret»' })
 */
export function secretGuard(options: SecretGuardOptions = {}): Plugin {
  checkOptions('secret-guard', schema, options);
  const mask = options.mask ?? '[REDACTED]';
  return definePlugin({
    name: 'secret-guard',
    onRequest(ctx) {
      ctx.request = maskRequest(ctx.request, mask);
    },
    ...(options.answers !== false && { onEvent: (ctx, event) => guardAnswer(ctx, event, mask) }),
  });
}

/** Masks text deltas, holding back a word that may be the start of a secret until it is whole. */
function guardAnswer(ctx: ProxyContext, event: StreamEvent, mask: string): EventResult {
  if (event.type === 'content_block_stop') {
    const state = ctx.state['secret-guard'];
    if (!state?.held) return;
    const held = state.held;
    state.held = '';
    return [textDelta(event.index, maskText(held, mask)), event];
  }
  if (event.type !== 'content_block_delta' || event.delta.type !== 'text_delta') return;
  const delta = event.delta as { type: 'text_delta'; text: string };
  const state = ctx.state['secret-guard'];
  const text = state?.held ? state.held + delta.text : delta.text;
  const tail = openTail(text);
  // The common case allocates nothing: no secret, no held text, nothing to hold back.
  if (tail === 0 && !state?.held && maskText(text, mask) === text) return;
  (ctx.state['secret-guard'] ??= { held: '' }).held = text.slice(text.length - tail);
  const out = maskText(text.slice(0, text.length - tail), mask);
  if (!out) return null;
  delta.text = out; // changed in place: passed on, nothing allocated for the event
  return undefined;
}

const textDelta = (index: number, text: string): StreamEvent => ({
  type: 'content_block_delta',
  index,
  delta: { type: 'text_delta', text },
});
