import type { Provider } from '../../core/index.ts';
import { applyPresets, mergeBodies, setHeaders, type CombinedPresets } from './index.ts';

/**
 * `provider` with presets applied inside its own calls: a runtime provider's overrides follow it
 * wherever the router sends a request (a fallback hop included), whatever the plugins' order.
 */
export function withPresets(provider: Provider, preset: CombinedPresets): Provider {
  // Adapters are plain objects: the copy keeps what it does not replace (models, about, …).
  const wrapped: Provider = {
    ...provider,
    send: (ctx, request) =>
      applyPresets(ctx, preset, request, (merged) => provider.send(ctx, merged)),
  };
  const relay = provider.relay?.bind(provider);
  if (relay)
    wrapped.relay = async (ctx, request) => {
      const restore = setHeaders(ctx, preset.headers);
      try {
        return await relay(ctx, mergeBodies(request, preset));
      } finally {
        restore();
      }
    };
  return wrapped;
}
