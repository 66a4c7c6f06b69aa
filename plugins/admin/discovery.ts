import {
  ProxyContext,
  ProxyError,
  asProxyError,
  type DiscoveredModel,
  type MessagesRequest,
  type Provider,
  type ProxyApp,
} from '../../core/index.ts';
import type { AdminGuard } from './guard.ts';

/** How long a provider's list is served from memory before the upstream is asked again. */
const FRESH_MS = 10 * 60_000;
/** Discovery waits for a models endpoint this long: a list is small. */
const LIST_TIMEOUT_MS = 15_000;
/** A test call may wait for a slow model's first (and only) token. */
const TEST_TIMEOUT_MS = 60_000;

interface Discovery {
  models: DiscoveredModel[];
  fetchedAt: number;
}

/** `POST /api/providers/{name}/test`: a one-token call straight to the provider. */
export interface ProviderTest {
  ok: boolean;
  model: string;
  latency_ms: number;
  /** The error the call ended with, credentials redacted; null when it answered. */
  error: string | null;
}

/**
 * `GET /api/providers/{name}/models` (the provider's own list, cached; `?refresh=1` asks again)
 * and `POST /api/providers/{name}/test` (a one-token call: latency or the error).
 */
export function discoveryRoutes(app: ProxyApp, guard: AdminGuard): void {
  // By provider object: an edited runtime provider is a new object, so its list is asked afresh.
  const cache = new WeakMap<Provider, Discovery>();

  app.http.get('/api/providers/:name/models', guard.read, async (http) => {
    const provider = providerNamed(app, http.params.name!);
    const refresh = http.query.refresh !== undefined && http.query.refresh !== '0';
    let found = cache.get(provider);
    const cached = !refresh && found !== undefined && Date.now() - found.fetchedAt < FRESH_MS;
    if (!cached) {
      found = { models: await discover(app, provider), fetchedAt: Date.now() };
      cache.set(provider, found);
    }
    http.body = {
      provider: provider.name,
      models: found!.models,
      fetched_at: new Date(found!.fetchedAt).toISOString(),
      cached,
    };
  });

  app.http.post('/api/providers/:name/test', guard.write, app.readBody, async (http) => {
    const provider = providerNamed(app, http.params.name!);
    const model = modelToTest(provider, http.request.body, cache.get(provider));
    http.body = await testProvider(app, provider, model);
  });
}

function providerNamed(app: ProxyApp, name: string): Provider {
  const provider = app.providers.get(name);
  if (!provider) throw new ProxyError('not_found_error', 404, `No provider named "${name}"`);
  return provider;
}

/**
 * The provider's list, or a 502 that says which provider failed and why. Never the upstream's own
 * status: its 401 (a wrong provider key) would read as the admin's session having ended.
 */
async function discover(app: ProxyApp, provider: Provider): Promise<DiscoveredModel[]> {
  if (!provider.listModels)
    throw new ProxyError(
      'invalid_request_error',
      400,
      `provider "${provider.name}" cannot list its models; set them in its \`models\` option`,
    );
  try {
    return await provider.listModels(AbortSignal.timeout(LIST_TIMEOUT_MS));
  } catch (error) {
    const e = asProxyError(error);
    throw new ProxyError(
      'api_error',
      502,
      `provider "${provider.name}" did not list its models: ${app.redact(e.message)}`,
    );
  }
}

/** The body's `model`, else the provider's first configured model, else its first discovered one. */
function modelToTest(provider: Provider, body: unknown, found: Discovery | undefined): string {
  const asked = (body as { model?: unknown } | null)?.model;
  if (asked !== undefined && (typeof asked !== 'string' || asked === ''))
    throw new ProxyError('invalid_request_error', 400, 'model: expected a model name');
  const model = asked ?? provider.models?.[0] ?? found?.models[0]?.id;
  if (model === undefined)
    throw new ProxyError(
      'invalid_request_error',
      400,
      `model: provider "${provider.name}" names no model; send {"model": "…"} or discover its models first`,
    );
  return model;
}

/**
 * One `max_tokens: 1` request through the provider alone (no router, fallback or breaker), so
 * the answer is about this provider; the time is until its whole answer arrived.
 */
export async function testProvider(
  app: ProxyApp,
  provider: Provider,
  model: string,
): Promise<ProviderTest> {
  const request: MessagesRequest = {
    model: `${provider.name},${model}`,
    max_tokens: 1,
    messages: [{ role: 'user', content: 'Reply with OK.' }],
  };
  const ctx = new ProxyContext({
    id: `test_${provider.name}`,
    endpoint: 'messages',
    request,
    client: { ip: '127.0.0.1', key: undefined, headers: {} },
    target: { provider: provider.name, model },
    route: 'test',
    log: app.log.child({ provider: provider.name, test: true }),
    signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
  });
  const start = performance.now();
  const took = () => Math.round(performance.now() - start);
  try {
    for await (const event of provider.send(ctx, request)) {
      if (event.type === 'error') throw new ProxyError(event.error.type, 502, event.error.message);
    }
    return { ok: true, model, latency_ms: took(), error: null };
  } catch (error) {
    return { ok: false, model, latency_ms: took(), error: app.redact(asProxyError(error).message) };
  }
}
