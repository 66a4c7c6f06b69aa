import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What `claude -p --output-format stream-json` reported, as a user would read it. */
export interface ClaudeRun {
  exitCode: number | null;
  /** The final `result` message's text. */
  result: string;
  isError: boolean;
  /** Every stream-json line, parsed. */
  events: Record<string, any>[];
  stderr: string;
}

export interface ClaudeOptions {
  binary: string;
  baseUrl: string;
  cwd: string;
  prompt: string;
  args?: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Claude Code's HOME, for a test that reads what it wrote there. Default: a fresh one. */
  home?: string;
}

/** The key Claude Code presents to ccproxy (the env-only setup makes ccproxy require it). */
export const CLIENT_KEY = 'sk-ant-e2e-client-key';

// Everything a developer machine or CI could leak into Claude Code, shut: a fresh HOME (no login,
// settings or history), no telemetry, no auto-update, no side traffic to Anthropic.
const ISOLATION = {
  DISABLE_TELEMETRY: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_ERROR_REPORTING: '1',
  DISABLE_BUG_COMMAND: '1',
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
  CLAUDE_CODE_MAX_RETRIES: '0',
};

/** Runs the real Claude Code headless against `baseUrl`, isolated in a temporary HOME. */
export async function runClaude(options: ClaudeOptions): Promise<ClaudeRun> {
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'ccproxy-e2e-home-')));
  // Onboarding done, so nothing interactive is pending even in -p mode.
  await writeFile(join(home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true }));
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    TMPDIR: tmpdir(),
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: CLIENT_KEY,
    ...ISOLATION,
    ...options.env,
  };
  const args = [
    '-p',
    options.prompt,
    '--output-format',
    'stream-json',
    '--verbose',
    ...(options.args ?? []),
  ];
  const child = spawn(options.binary, args, {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const events = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
  const result = events.findLast((e) => e.type === 'result');
  return {
    exitCode,
    result: result?.result ?? '',
    isError: result?.is_error ?? true,
    events,
    stderr,
  };
}
