import type { ResolvedConfig } from '../../core/index.ts';
import { ConfigError } from '../../core/errors.ts';
import { homePaths } from '../home.ts';
import { httpAddress } from '../options.ts';
import { readServer } from '../server-record.ts';
import { fail, ok, type Check } from '../doctor/check.ts';
import { instanceChecks } from '../doctor/instance.ts';
import { claudeCheck, conflictChecks, nodeCheck, portCheck } from '../doctor/machine.ts';
import { loadServerConfig, type ServerFlags } from '../options.ts';

export interface DoctorFlags extends ServerFlags {
  json?: boolean;
}

/**
 * `ccproxy doctor`: one line per check (Node, the config, keys, storage, each provider with a
 * one-token call, the port, Claude Code and settings that turn it away from ccproxy), with what
 * to do for each failure; exit 1 when one fails.
 */
export async function doctor(flags: DoctorFlags): Promise<void> {
  const checks: Check[] = [nodeCheck()];
  const config = await loadServerConfig(flags, 'doctor').catch((error: unknown) => {
    if (!(error instanceof ConfigError)) throw error;
    checks.push(fail('config', error.message, 'correct it where the message says'));
    return undefined;
  });
  if (config) {
    checks.push(ok('config', config.file ?? 'none: the environment defaults'));
    checks.push(...(await instanceChecks(config)), await portCheck(config));
  }
  checks.push(claudeCheck(), ...conflictChecks(ourUrls(config)));
  process.stdout.write(
    flags.json ? `${JSON.stringify(checks, null, 2)}\n` : checks.map(formatCheck).join(''),
  );
  if (checks.some((check) => check.status === 'fail')) process.exitCode = 1;
}

const MARK = { ok: '✓', warn: '!', fail: '✗' };

/** `✗ provider openai  openai,gpt-4o: 401 …` and, below it, `    fix: check its key`. */
export function formatCheck(check: Check): string {
  const line = `${MARK[check.status]} ${check.name.padEnd(16)} ${check.detail}\n`;
  return check.fix ? `${line}    fix: ${check.fix}\n` : line;
}

/** Where this ccproxy answers: the running server's URL and the config's address. */
function ourUrls(config: ResolvedConfig | undefined): string[] {
  const current = readServer(homePaths());
  return [
    ...(current.state === 'running' ? [current.record.url] : []),
    ...(config ? [httpAddress(config.server)] : []),
  ];
}
