import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { claudeSettingsFile, readClaudeSettings } from '../claude-settings.ts';
import { cliCommand } from '../process.ts';

/**
 * `ccproxy statusline install`: sets Claude Code's `statusLine` to `ccproxy statusline` in
 * `~/.claude/settings.json`, after a backup of the file; a second run changes nothing.
 */
export function statuslineInstall(): void {
  const file = claudeSettingsFile();
  const settings = readClaudeSettings(file);
  // Absolute paths: Claude Code runs the command with its own PATH, where ccproxy may not be.
  const command = `${cliCommand()
    .map((part) => JSON.stringify(part))
    .join(' ')} statusline`;
  const current = settings.statusLine as { command?: string } | undefined;
  if (current?.command === command)
    return void process.stdout.write(`already installed in ${file}\n`);
  if (existsSync(file)) {
    const backup = `${file}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
    copyFileSync(file, backup);
    process.stdout.write(`backup: ${backup}\n`);
  }
  settings.statusLine = { type: 'command', command, padding: 0 };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
  process.stdout.write(
    `${current ? 'replaced the statusLine' : 'added a statusLine'} in ${file}: ${command}\n`,
  );
}
