import { MessageAccumulator, type Plugin } from '../../core/index.ts';

declare module '../../core/index.ts' {
  interface ProxyState {
    /** The answer as it streams, for the stored history (set when the body is kept). */
    history?: MessageAccumulator;
  }
}

const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/**
 * Keeps each request's messages and answer for `usage()` to store, per the top-level `history`
 * (`bodies: 'full'` by default; `metadata` and `off` keep rows only). Secrets are redacted by the
 * storage before anything is written.
 * @example history()
 */
export function history(): Plugin {
  let maxBytes = DEFAULT_MAX_BODY;
  let enabled = true;
  return {
    name: 'history',
    setup(app) {
      const options = app.config.history ?? {};
      enabled = (options.bodies ?? 'full') === 'full';
      maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    },
    onRequest(ctx) {
      if (!enabled || ctx.endpoint !== 'messages') return;
      // A body over the cap keeps its row only (the raw text's length is its size in bytes or less).
      if ((ctx.received?.text.length ?? 0) > maxBytes) return;
      ctx.state.history = new MessageAccumulator();
    },
    onEvent(ctx, event) {
      ctx.state.history?.push(event);
    },
  };
}
