import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { ResolvedConfig } from '../../core/index.ts';
import { answersHealth } from '../background.ts';
import { claudeSettingsFile, readClaudeSettings } from '../claude-settings.ts';
import { testedClaudeVersions } from '../claude-versions.ts';
import { homePaths } from '../home.ts';
import { readServer } from '../server-record.ts';
import { fail, ok, warn, type Check } from './check.ts';

/** The Node release the package needs (package.json `engines`). */
const NODE_MIN = [20, 19] as const;

export function nodeCheck(version = process.versions.node): Check {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const enough = major > NODE_MIN[0] || (major === NODE_MIN[0] && minor >= NODE_MIN[1]);
  return enough
    ? ok('node', version)
    : fail('node', `${version} is too old`, `install Node ${NODE_MIN.join('.')} or newer`);
}

/** The config's port: free, or held by the ccproxy of the PID file; anything else fails. */
export async function portCheck(config: ResolvedConfig): Promise<Check> {
  const { host, port } = config.server;
  const where = `${host}:${port}`;
  const probe = createServer();
  try {
    probe.listen(port, host);
    await once(probe, 'listening');
    return ok('port', `${where} is free`);
  } catch (error) {
    const current = readServer(homePaths());
    const ours =
      current.state === 'running' &&
      new URL(current.record.url).port === String(port) &&
      (await answersHealth(current.record.url, 2000));
    if (ours) return ok('port', `${where}: ccproxy is serving it (pid ${current.record.pid})`);
    return fail(
      'port',
      `${where}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}, not by ccproxy`,
      'stop the program holding it, or choose another port (--port, PORT or server.port)',
    );
  } finally {
    probe.close();
  }
}

/** Claude Code on PATH (or `CCPROXY_CLAUDE`), and whether its release is one the e2e suite proves. */
export function claudeCheck(env: NodeJS.ProcessEnv = process.env): Check {
  const bin = env.CCPROXY_CLAUDE || 'claude';
  const run = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 15_000, env });
  const version = /\d+\.\d+\.\d+/.exec(run.stdout ?? '')?.[0];
  if (!version)
    return warn(
      'claude code',
      `${bin}: ${run.error ? 'not found' : 'no version from --version'}`,
      'npm install -g @anthropic-ai/claude-code, or set CCPROXY_CLAUDE to its path',
    );
  if (testedClaudeVersions.includes(version)) return ok('claude code', `${version} (tested)`);
  return warn(
    'claude code',
    `${version} is not among the tested releases (${testedClaudeVersions.join(', ')})`,
    `it likely works; ${testedClaudeVersions[0]} is the newest tested`,
  );
}

const ANTHROPIC_VARS = ['ANTHROPIC_BASE_URL', 'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];

/**
 * Settings that turn Claude Code away from ccproxy: `~/.claude/settings.json`'s `env` beats the
 * environment `ccproxy code` gives it (unless it names this ccproxy, one of `ours`, as `export
 * claude-settings` writes it); in the shell they only matter for a plain `claude`.
 */
export function conflictChecks(
  ours: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Check[] {
  const file = claudeSettingsFile(env);
  let settingsEnv: Record<string, unknown>;
  try {
    settingsEnv = (readClaudeSettings(file).env ?? {}) as Record<string, unknown>;
  } catch (error) {
    return [fail('claude settings', (error as Error).message, 'correct or remove the file')];
  }
  const inSettings = ANTHROPIC_VARS.filter((name) => settingsEnv[name] !== undefined);
  const toUs = ours.includes(String(settingsEnv.ANTHROPIC_BASE_URL).replace(/\/+$/, ''));
  const checks = [
    toUs
      ? ok('claude settings', `${file}: env points claude at this ccproxy`)
      : inSettings.length
        ? fail(
            'claude settings',
            `${file} sets ${inSettings.join(', ')} in env, which beats what ccproxy code sets`,
            `remove ${inSettings.join(', ')} from its env`,
          )
        : ok('claude settings', `${file}: no ANTHROPIC_* override`),
  ];
  if (env.ANTHROPIC_API_KEY && env.ANTHROPIC_AUTH_TOKEN)
    checks.push(
      warn(
        'environment',
        'both ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN are set: a plain claude reports an auth conflict',
        'unset one (ccproxy code passes only the token)',
      ),
    );
  if (env.ANTHROPIC_BASE_URL)
    checks.push(
      warn(
        'environment',
        `ANTHROPIC_BASE_URL=${env.ANTHROPIC_BASE_URL}: a plain claude goes there`,
        'ccproxy code sets its own; unset it unless it names this ccproxy',
      ),
    );
  return checks;
}
