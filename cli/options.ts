import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ConfigFlags, ResolvedConfig } from '../core/index.ts';
import { loadDotenv } from './dotenv.ts';

/** The flags of every command that starts a server or reads its config (DESIGN §4). */
export interface ServerFlags {
  config?: string;
  host?: string;
  port?: number;
  allowOpen?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('expected an integer from 0 to 65535.');
  return port;
}

/**
 * Adds `--config`, `--host`, `--port`, `--allow-open` to a command. `short: false` drops `-c` and
 * `-p`, for `code`, whose later arguments are Claude Code's (`claude -p` is its print mode).
 */
export function withServerFlags(command: Command, short = true): Command {
  return command
    .addOption(
      new Option(`${short ? '-c, ' : ''}--config <file>`, 'config file (default: see README)'),
    )
    .addOption(new Option('--host <host>', 'listen address (default 127.0.0.1; env HOST)'))
    .addOption(
      new Option(
        `${short ? '-p, ' : ''}--port <port>`,
        'listen port (default 3456; env PORT)',
      ).argParser(parsePort),
    )
    .addOption(new Option('--allow-open', 'serve a non-loopback host without a client key'));
}

/**
 * The config a command runs on: flags, environment (with `.env` from the working directory, read
 * again on every reload), file, defaults. The core is imported here,
 * not at the top, so that `--version` and `--help` answer without loading it.
 */
export async function loadServerConfig(
  flags: ServerFlags,
  command: string,
): Promise<ResolvedConfig> {
  loadDotenv();
  const [{ loadConfig }, { envPreset }] = await Promise.all([
    import('../core/index.ts'),
    import('../plugins/env/index.ts'),
  ]);
  const configFlags: ConfigFlags = {
    config: flags.config,
    host: flags.host,
    port: flags.port,
    allowOpen: flags.allowOpen,
  };
  return loadConfig({ flags: configFlags, command, fallback: envPreset });
}

/** `http://host:port` of a server setting (IPv6 hosts bracketed). */
export const httpAddress = ({ host, port }: { host: string; port: number }): string =>
  `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
