import { serverUrl } from '../admin-client.ts';
import { clientToken } from '../claude-settings.ts';
import { toCcSwitch } from '../exporters/cc-switch.ts';
import { toCcr } from '../exporters/ccr.ts';
import { toCliProxyApi } from '../exporters/cliproxyapi.ts';
import { readExportSource, type ExportSource, type Exported } from '../exporters/source.ts';
import { httpAddress, loadServerConfig, type ServerFlags } from '../options.ts';

export interface ExportFlags extends ServerFlags {
  url?: string;
}

/** The peers' formats `ccproxy export` writes from the providers and tiers in force. */
export const EXPORTERS = {
  ccr: toCcr,
  'cc-switch': toCcSwitch,
  cliproxyapi: toCliProxyApi,
} satisfies Record<string, (source: ExportSource) => Exported>;

export type ExportFormat = keyof typeof EXPORTERS | 'claude-settings';

/**
 * `ccproxy export FORMAT`: the config's providers (and the runtime ones in storage) and the tiers
 * in force, in another tool's format, on stdout; what the user still has to do (keys to set,
 * providers the format cannot carry) on stderr. No key's value is ever written.
 */
export async function exportConfig(format: ExportFormat, flags: ExportFlags): Promise<void> {
  if (format === 'claude-settings') return exportClaudeSettings(flags);
  const config = await loadServerConfig(flags, 'export');
  const url = runningUrl(flags) ?? httpAddress(config.server);
  const source = await readExportSource(config, url, process.env);
  const { text, notes } = EXPORTERS[format](source);
  process.stdout.write(text);
  for (const note of [...notes, ...unsetKeys(source)]) process.stderr.write(`ccproxy: ${note}\n`);
}

/**
 * `ccproxy export claude-settings`: the `env` block that points a plain `claude` at ccproxy, for
 * `~/.claude/settings.json` or a project's `.claude/settings.json`: the running server's URL
 * (else the config's address) and the token `ccproxy code` would give it.
 */
async function exportClaudeSettings(flags: ExportFlags): Promise<void> {
  const settings = {
    env: {
      ANTHROPIC_BASE_URL:
        runningUrl(flags) ?? httpAddress((await loadServerConfig(flags, 'export')).server),
      ANTHROPIC_AUTH_TOKEN: clientToken(process.env),
    },
  };
  process.stdout.write(`${JSON.stringify(settings, null, 2)}\n`);
}

/**
 * Keys the export refers to by a variable this environment does not set: no variable holds that
 * provider's key here (it was added at run time, its key is in storage, or set in the config).
 */
function unsetKeys(source: ExportSource): string[] {
  return source.providers.flatMap((p) =>
    p.keyEnv && !process.env[p.keyEnv]
      ? [
          `${p.name}: ${p.keyEnv} is not set here (no variable here holds its key); set it to the key where the tool runs`,
        ]
      : [],
  );
}

/** The running server's URL (`--url`, `CCPROXY_URL`, the PID file), if there is one. */
function runningUrl(flags: ExportFlags): string | undefined {
  try {
    return serverUrl(flags.url);
  } catch {
    return undefined;
  }
}
