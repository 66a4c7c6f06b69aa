import { after, describe, test, type TestContext } from 'node:test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapters, type Adapter } from './adapters.ts';
import { runClaude } from './claude.ts';
import { claudeBinary, versions } from './install.ts';
import { Matrix } from './matrix.ts';
import { startModelServer } from './model-server.ts';
import { cliAvailable, startCcproxy, type ProxyProcess } from './proxy.ts';
import { makeWorkspace, scenarios, type Scenario } from './scenarios.ts';
import { explainFailure } from './report.ts';

const matrix = new Matrix(scenarios.map((s) => s.name));
after(() => matrix.write());

const available = await import('../../plugins/index.ts').then((m) => m as Record<string, unknown>);

/** Why an adapter cannot run on this branch, or undefined when it can. */
function missing(adapter: Adapter): string | undefined {
  if (!adapter.launch) return undefined;
  if (!cliAvailable()) return 'bin/ccproxy.js is not there yet';
  if (adapter.factory && typeof available[adapter.factory] !== 'function') return `ccproxy/plugins has no ${adapter.factory}()`;
  return undefined;
}

async function runScenario(t: TestContext, version: string, adapter: Adapter, scenario: Scenario, root: string) {
  const binary = claudeBinary(version)!;
  const ws = await makeWorkspace(root, scenario.name.replace(/\W+/g, '-'));
  await scenario.setup?.(ws);
  const server = await startModelServer(t, adapter.wire, (view) =>
    view.kind === 'main' ? scenario.answer(view, ws) : (scenario.side?.(view, ws) ?? { text: 'Side answer.' }),
  );
  let proxy: ProxyProcess | undefined;
  if (adapter.launch) {
    proxy = await startCcproxy(adapter.launch(server.url));
    t.after(() => proxy!.stop());
  }
  const args = (scenario.args ?? []).map((a) => a.replace('{alt}', adapter.altRef));
  const run = await runClaude({
    binary,
    baseUrl: proxy?.url ?? server.url,
    cwd: ws.dir,
    prompt: scenario.prompt,
    args: ['--allowedTools', 'Bash Read Edit Write', ...args],
    env: scenario.env,
  });
  try {
    await scenario.check({ run, ws, views: server.views, models: adapter.models, translated: adapter.translated });
    matrix.record(version, adapter.name, scenario.name, 'pass');
  } catch (error) {
    matrix.record(version, adapter.name, scenario.name, 'fail');
    throw explainFailure(error, { run, requests: server.requests, proxyLog: proxy?.output() });
  }
}

const root = await mkdtemp(join(tmpdir(), 'ccproxy-e2e-ws-'));
const only = process.env.CCPROXY_E2E_ONLY;

for (const version of versions) {
  describe(`Claude Code ${version}`, { skip: !claudeBinary(version) && 'not installed: run test/e2e/install.ts' }, () => {
    for (const adapter of adapters) {
      const skip = missing(adapter);
      describe(adapter.name, { skip }, () => {
        for (const scenario of scenarios) {
          if (only && !`${version} ${adapter.name} ${scenario.name}`.includes(only)) continue;
          test(scenario.name, (t) => runScenario(t, version, adapter, scenario, root));
        }
      });
    }
  });
}
