import { serverUrl } from '../admin-client.ts';
import { clientToken } from '../claude-settings.ts';
import { httpAddress, loadServerConfig, type ServerFlags } from '../options.ts';

export interface ExportFlags extends ServerFlags {
  url?: string;
}

/**
 * `ccproxy export claude-settings`: the `env` block that points a plain `claude` at ccproxy, for
 * `~/.claude/settings.json` or a project's `.claude/settings.json`: the running server's URL
 * (else the config's address) and the token `ccproxy code` would give it.
 */
export async function exportClaudeSettings(flags: ExportFlags): Promise<void> {
  const settings = {
    env: {
      ANTHROPIC_BASE_URL: await address(flags),
      ANTHROPIC_AUTH_TOKEN: clientToken(process.env),
    },
  };
  process.stdout.write(`${JSON.stringify(settings, null, 2)}\n`);
}

async function address(flags: ExportFlags): Promise<string> {
  try {
    return serverUrl(flags.url);
  } catch {
    return httpAddress((await loadServerConfig(flags, 'export')).server);
  }
}
