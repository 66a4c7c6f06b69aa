import type { Provider } from '../../core/index.ts';
import { applyPresets, mergeBodies, setHeaders, type CombinedPresets } from './index.ts';

/**
 * `provider` with presets applied inside its own calls: a runtime provider's overrides follow it
 * wherever the router sends a request (a fallback hop included), whatever the plugins' order.
 */
export function withPresets(provider: Provider, preset: CombinedPresets): Provider {
  const wrapped: Provider = {
    name: provider.name,
    models: provider.models,
    send: (ctx, request) =>
      applyPresets(ctx, preset, request, (merged) => provider.send(ctx, merged)),
  };
  if (provider.relay)
    wrapped.relay = async (ctx, request) => {
      const restore = setHeaders(ctx, preset.headers);
      try {
        return await provider.relay!(ctx, mergeBodies(request, preset));
      } finally {
        restore();
      }
    };
  if (provider.countTokens)
    wrapped.countTokens = (ctx, request) => provider.countTokens!(ctx, request);
  if (provider.listModels) wrapped.listModels = (signal) => provider.listModels!(signal);
  return wrapped;
}
