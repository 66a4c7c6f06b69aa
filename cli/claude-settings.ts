import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../core/errors.ts';

/** `~/.claude/settings.json` (Claude Code's user settings). */
export const claudeSettingsFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(env.HOME || homedir(), '.claude', 'settings.json');

/** The settings as an object; `{}` when the file does not exist; a ConfigError when it is not JSON. */
export function readClaudeSettings(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${file}: expected JSON: ${(error as Error).message}`);
  }
  throw new ConfigError(`${file}: expected a JSON object`);
}

/** The key Claude Code presents: the client key when one is set (auth requires it), else any. */
export function clientToken(env: NodeJS.ProcessEnv): string {
  return env.CCPROXY_API_KEY || env.ANTHROPIC_API_KEY || 'ccproxy';
}
