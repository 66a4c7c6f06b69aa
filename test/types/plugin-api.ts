// Type tests of the public API, checked by `npx tsc -p .` (never run). Each `@ts-expect-error`
// marks a mistake a config or plugin author must see in the editor; tsc fails if it compiles.
import {
  defineConfig,
  definePlugin,
  type Plugin,
  type PluginOption,
  type ProxyContext,
} from 'ccproxy';
import { auth, customHeaders, modelMap, openai } from 'ccproxy/plugins';

declare module 'ccproxy' {
  interface ProxyState {
    /** An in-house plugin's slice, typed the way its package would declare it. */
    'team-budget'?: { spentCents: number };
  }
}

const provider = openai({ name: 'openai', apiKey: 'sk' });
const search = process.env.SEARCH_URL !== undefined;

// Must compile: falsy entries (`cond && plugin()`), nested presets, the function form.
export const withPresets = defineConfig({
  server: { host: '127.0.0.1', port: 3456, allowOpen: false },
  logLevel: 'warn',
  plugins: [
    auth({ keys: [process.env.CCPROXY_API_KEY] }),
    search && customHeaders(),
    null,
    undefined,
    [provider, [modelMap({ big: 'openai,gpt-4o' })]],
  ],
});
export const asFunction = defineConfig(({ command, env }) => ({
  logLevel: command === 'start' && env.DEBUG ? 'debug' : 'info',
}));
export const asAsyncFunction = defineConfig(async () => ({ plugins: [provider] }));
export const literalsInFunctions = [
  defineConfig(() => ({ logLevel: 'debug' })),
  defineConfig(async () => ({ logLevel: 'warn' })),
];
export const preset: PluginOption[] = [provider, false];

// Must compile: every hook, `wrapStream` passing through or as a generator, typed state slices.
export const complete = definePlugin({
  name: 'complete',
  enforce: 'pre',
  async setup(app) {
    app.log.info({ host: app.server.host }, 'ready');
  },
  onRequest(ctx) {
    ctx.state['team-budget'] = { spentCents: 0 };
    ctx.upstream.headers['x-team'] = 'infra';
  },
  wrapStream: (_ctx, next) => next(),
  onEvent(ctx, event) {
    if (event.type !== 'message_start') return;
    const tier = ctx.state['model-map']?.tier; // declared by the built-in model-map plugin
    if (tier === 'small') return null;
    return [event];
  },
  async onFinish(ctx, outcome) {
    const budget = ctx.state['team-budget'];
    if (budget && outcome.ok) budget.spentCents += outcome.usage.output_tokens;
  },
  close() {},
});
export const generator: Plugin = {
  name: 'generator',
  async *wrapStream(ctx: ProxyContext, next) {
    yield* next({ ...ctx.request, max_tokens: 1 });
  },
};

// Must not compile.
export const mistakes = [
  // @ts-expect-error an async onEvent: the hot path is synchronous
  definePlugin({ name: 'x', async onEvent() {} }),
  // @ts-expect-error onEvent returning a promise of an event
  definePlugin({ name: 'x', onEvent: (_ctx, event) => Promise.resolve(event) }),
  // @ts-expect-error a misspelt hook
  definePlugin({ name: 'x', onrequest() {} }),
  // @ts-expect-error enforce is 'pre' or 'post'
  definePlugin({ name: 'x', enforce: 'first' }),
  // @ts-expect-error a plugin needs a name
  definePlugin({ onRequest() {} }),
  // @ts-expect-error an unknown config key
  defineConfig({ servr: { port: 1 } }),
  // @ts-expect-error an unknown server key
  defineConfig({ server: { prot: 1 } }),
  // @ts-expect-error a port as a string
  defineConfig({ server: { port: '3456' } }),
  // @ts-expect-error a log level by its Python name (the LOG_LEVEL variable accepts it, the file does not)
  defineConfig({ logLevel: 'WARNING' }),
  // @ts-expect-error a plugin entry that is not a plugin
  defineConfig({ plugins: ['openai'] }),
  // @ts-expect-error a misspelt plugin option
  modelMap({ bigg: 'openai,gpt-4o' }),
  // @ts-expect-error an unknown server key returned by the function form
  defineConfig(({ env }) => ({ server: { prot: Number(env.PORT) } })),
  // @ts-expect-error the function form returning nothing a config has
  defineConfig(() => ({ servr: {} })),
];

export const stateMistakes = definePlugin({
  name: 'state',
  onRequest(ctx) {
    // @ts-expect-error a state slice keeps its declared type
    ctx.state['team-budget'] = { spentCents: 'none' };
    // @ts-expect-error another plugin's slice keeps its declared type too
    ctx.state['model-map'] = { requested: 'x', tier: 'huge' };
  },
});
