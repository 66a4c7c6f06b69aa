import type { Provider, ProxyApp } from '../../../core/index.ts';
import { runProvider, type LoopState, type ProviderLoop } from './loop.ts';
import { aboutProvider, addProviderSecrets, type ProviderOptions } from './options.ts';

/** Who a provider is: its name, its adapter's kind, the base URL it calls, its options. */
export interface ProviderIdentity {
  name: string;
  kind: string;
  baseUrl: string;
  options: ProviderOptions;
}

/**
 * Registers a provider that the shared loop serves: its key and header values kept as secrets,
 * what it says of itself, its configured models, `send` through `runProvider`; `more` adds what
 * differs between adapters (its model listing, its token counting).
 */
export function registerLoopProvider<State extends LoopState, Chunk, Whole>(
  app: ProxyApp,
  { name, kind, baseUrl, options }: ProviderIdentity,
  loop: ProviderLoop<State, Chunk, Whole>,
  more: Pick<Provider, 'listModels' | 'countTokens'> = {},
): void {
  addProviderSecrets(app, options);
  app.registerProvider({
    name,
    about: aboutProvider(kind, baseUrl, options),
    models: options.models ?? [],
    send: (ctx, request) => runProvider(loop, ctx, request),
    ...more,
  });
}
