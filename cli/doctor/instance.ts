import pino from 'pino';
import { startProxy, type Provider, type ResolvedConfig } from '../../core/index.ts';
import type { ProxyRuntime } from '../../core/app.ts';
import { testProvider } from '../../plugins/admin/discovery.ts';
import { fail, ok, warn, type Check } from './check.ts';

/**
 * Starts the config privately (loopback, a port the OS picks, its own storage), as `start` would,
 * and checks what only a running config can say: plugins set up, keys present, storage
 * reachable, each provider answering a one-token call. Nothing it does is billed to a session.
 */
export async function instanceChecks(config: ResolvedConfig): Promise<Check[]> {
  let proxy;
  try {
    proxy = await startProxy(
      { ...config, server: { ...config.server, host: '127.0.0.1', port: 0 } },
      { logger: pino({ level: 'silent' }) },
    );
  } catch (error) {
    return [fail('plugins', (error as Error).message, 'correct the config where the message says')];
  }
  try {
    const runtime = proxy.runtime;
    const names = runtime.pipeline.plugins.map((p) => p.name);
    return [
      ok('plugins', names.join(', ')),
      ...keyChecks(runtime),
      await storageCheck(runtime),
      ...(await Promise.all([...runtime.providers.values()].map((p) => providerCheck(runtime, p)))),
    ];
  } finally {
    await proxy.close();
  }
}

/** The start banner's warnings about keys (a cloud vendor's URL without one). */
function keyChecks(runtime: ProxyRuntime): Check[] {
  if (runtime.warnings.length === 0)
    return [ok('keys', 'no provider is missing the key its URL needs')];
  return runtime.warnings.map((warning) => fail('keys', warning));
}

async function storageCheck(runtime: ProxyRuntime): Promise<Check> {
  const report = await runtime.health.report(true);
  const storage = report.storage as
    { engine: string; reachable: boolean; error?: string } | undefined;
  if (!storage)
    return warn(
      'storage',
      'none: usage, cost and history are not kept',
      'add cockpit() to the plugins',
    );
  if (storage.reachable) return ok('storage', `${storage.engine}: reachable`);
  return fail(
    'storage',
    `${storage.engine}: ${storage.error ?? 'unreachable'}`,
    'check the storage setting (its URL, credentials) and that the database runs',
  );
}

/** The model a tier sends to `provider` (switches included), else its first configured one. */
async function modelFor(runtime: ProxyRuntime, provider: Provider): Promise<string | undefined> {
  const live = runtime.service('switch');
  await live?.load();
  const view = live?.view();
  const tiers = view ? [view.big, view.middle, view.small] : [];
  const routed = tiers.find((target) => target?.startsWith(`${provider.name},`));
  return routed?.slice(provider.name.length + 1) ?? provider.models?.[0];
}

async function providerCheck(runtime: ProxyRuntime, provider: Provider): Promise<Check> {
  const name = `provider ${provider.name}`;
  const model = await modelFor(runtime, provider);
  if (!model)
    return warn(name, 'no model to test: no tier routes to it and it lists none', 'set its models');
  const test = await testProvider(runtime, provider, model);
  if (test.ok) return ok(name, `${provider.name},${model} answered in ${test.latency_ms} ms`);
  return fail(
    name,
    `${provider.name},${model}: ${test.error}`,
    'check its baseUrl, its key and the model name',
  );
}
