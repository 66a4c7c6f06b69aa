/**
 * Claude Code end to end: every release of cli/claude-versions.ts × every adapter × every scenario.
 * The real `claude -p` runs in a scratch workspace against `ccproxy` started as a user starts it
 * (a config file, or only the Python proxies' variables), in front of a scripted model speaking
 * the vendor's wire format. Install the releases first: `node --import tsx test/e2e/install.ts`.
 */
import { after, before, describe, test } from 'node:test';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adapters, hasPlugin, type Adapter } from './adapters.ts';
import { runClaude } from './claude.ts';
import { claudeBinary, versions } from './install.ts';
import { Matrix } from './matrix.ts';
import { startModelServer, type ModelServer } from './model-server.ts';
import { cliAvailable, startCcproxy, type ProxyProcess } from './proxy.ts';
import { explainFailure } from './report.ts';
import { scriptedUpstream, type ScriptedUpstream } from '../helpers/upstream.ts';
import { toolLoopPlanner } from '../plugins/boost/scenario.ts';
import { makeWorkspace, scenarios, type Scenario } from './scenarios.ts';

const matrix = new Matrix(
  adapters.map((a) => a.name),
  scenarios.map((s) => s.name),
);
after(() => matrix.write());

const root = await mkdtemp(join(tmpdir(), 'ccproxy-e2e-ws-'));
const only = process.env.CCPROXY_E2E_ONLY;

/** Why an adapter cannot run on this branch, or undefined when it can. */
function missing(adapter: Adapter): string | undefined {
  if (!adapter.launch) return undefined;
  if (!cliAvailable()) return 'bin/ccproxy.js is not there yet';
  if (adapter.factory && !hasPlugin(adapter.factory))
    return `ccproxy/plugins has no ${adapter.factory}()`;
  return undefined;
}

/** Why a column cannot serve a scenario's feature, or undefined when it can. */
function unserved(adapter: Adapter, scenario: Scenario): string | undefined {
  const plugin = scenario.requires;
  if (!plugin) return undefined;
  if (!adapter.launch) return scenario.proxyOnly ? `no ccproxy, no ${plugin}()` : undefined;
  if (!adapter.translated && !scenario.proxyOnly) return undefined;
  if (adapter.without?.includes(plugin)) return `this setup has no ${plugin}()`;
  return hasPlugin(plugin) ? undefined : `ccproxy/plugins has no ${plugin}()`;
}

/** The scenarios `CCPROXY_E2E_ONLY` keeps for a column (a substring of "<version> <adapter> <scenario>"). */
const selected = (version: string, adapter: Adapter) =>
  scenarios.filter((s) => !only || `${version} ${adapter.name} ${s.name}`.includes(only));

/**
 * Claude Code → (ccproxy →) the scripted model: one upstream and one ccproxy per adapter, and
 * boost's scripted planner (OpenAI chat completions) beside them.
 */
function adapterSuite(version: string, adapter: Adapter): void {
  let server: ModelServer;
  let planner: ScriptedUpstream;
  let proxy: ProxyProcess | undefined;
  // A ccproxy that cannot start fails every scenario of the column, each saying why.
  let startError: Error | undefined;
  before(async () => {
    server = await startModelServer(null, adapter.wire);
    planner = await scriptedUpstream(null, toolLoopPlanner);
    proxy =
      adapter.launch &&
      (await startCcproxy(adapter.launch(server.url, planner.url)).catch(
        (error: unknown) =>
          void (startError = error instanceof Error ? error : new Error(String(error))),
      ));
  });
  after(async () => {
    await proxy?.stop();
    await server?.close();
    await planner?.close();
  });

  const run = async (scenario: Scenario) => {
    if (startError) {
      matrix.record(version, adapter.name, scenario.name, 'fail');
      throw startError;
    }
    const ws = await makeWorkspace(root, scenario.name.replace(/\W+/g, '-'));
    await scenario.setup?.(ws);
    planner.requests.length = 0;
    server.reset((view) =>
      view.kind === 'main'
        ? scenario.answer(view, ws)
        : (scenario.side?.(view, ws) ?? { text: 'Side answer.' }),
    );
    const logStart = proxy?.output().length ?? 0;
    const result = await runClaude({
      binary: claudeBinary(version)!,
      baseUrl: proxy?.url ?? server.url,
      cwd: ws.dir,
      prompt: scenario.prompt,
      args: [
        '--allowedTools',
        'Bash Read Edit Write WebSearch Agent',
        ...(scenario.args ?? []).map((a) => a.replace('{alt}', adapter.altRef)),
      ],
      env: scenario.env,
    });
    try {
      await scenario.check({
        run: result,
        ws,
        views: server.views,
        planner: planner.requests,
        models: adapter.models,
        translated: adapter.translated,
        signs: adapter.wire.signs,
      });
      matrix.record(version, adapter.name, scenario.name, 'pass');
    } catch (error) {
      matrix.record(version, adapter.name, scenario.name, 'fail');
      throw explainFailure(error, {
        run: result,
        requests: [...server.requests, ...planner.requests],
        views: server.views,
        proxyLog: proxy?.output().slice(logStart),
      });
    }
  };

  for (const scenario of selected(version, adapter)) {
    const skip = unserved(adapter, scenario);
    if (skip) matrix.record(version, adapter.name, scenario.name, 'n/a');
    test(scenario.name, { skip }, () => run(scenario));
  }
}

// Releases run side by side (each column's scenarios stay in order: one conversation per upstream).
const concurrency = Number(process.env.CCPROXY_E2E_CONCURRENCY ?? 2);

describe('Claude Code end to end', { concurrency }, () => {
  for (const version of versions) {
    // Children inherit a suite's concurrency: inside a release, one column and one scenario at a time.
    const skip = !claudeBinary(version) && 'not installed: run test/e2e/install.ts';
    describe(`Claude Code ${version}`, { skip, concurrency: 1 }, () => {
      for (const adapter of adapters.filter((a) => selected(version, a).length > 0)) {
        describe(adapter.name, { skip: missing(adapter), concurrency: 1 }, () =>
          adapterSuite(version, adapter),
        );
      }
    });
  }
});
