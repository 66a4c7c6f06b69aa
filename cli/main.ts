import { readFileSync } from 'node:fs';
import type { ResolvedConfig } from '../core/index.ts';
import { ConfigError } from '../core/errors.ts';
import { HELP, parseCli, type CliArgs } from './args.ts';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

/**
 * The config every server-starting command runs on: flags, environment, file, defaults. The core
 * is imported here, not at the top, so that `--version` and `--help` answer at once.
 */
async function load(args: CliArgs): Promise<ResolvedConfig> {
  const [{ loadConfig }, { envPreset }] = await Promise.all([
    import('../core/index.ts'),
    import('../plugins/env/index.ts'),
  ]);
  return loadConfig({
    flags: { config: args.config, host: args.host, port: args.port, allowOpen: args.allowOpen },
    command: args.command,
    fallback: envPreset,
  });
}

async function route(args: CliArgs): Promise<void> {
  if (!args.explain)
    throw new ConfigError('route: expected --explain <request.json>; run ccproxy --help');
  const { explainRoute } = await import('./route.ts');
  process.stdout.write(await explainRoute(await load(args), args.explain));
}

async function start(args: CliArgs): Promise<void> {
  const config = await load(args);
  const [{ startProxy }, { banner }] = await Promise.all([
    import('../core/index.ts'),
    import('./banner.ts'),
  ]);
  const proxy = await startProxy(config);
  process.stderr.write(banner(proxy, version));
  let stopping = false;
  const stop = (signal: string) => {
    // A second Ctrl-C means "now": do not wait for open streams.
    if (stopping) process.exit(130);
    stopping = true;
    proxy.runtime.log.info({ signal }, 'shutting down');
    proxy.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`ccproxy: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseCli(argv);
  if (args.version) return void process.stdout.write(`${version}\n`);
  if (args.help) return void process.stdout.write(HELP);
  switch (args.command) {
    case 'start':
      return start(args);
    case 'route':
      return route(args);
    default:
      throw new ConfigError(`unknown command "${args.command}"; run ccproxy --help`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (error instanceof ConfigError || code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`ccproxy: ${(error as Error).message}\n`);
  } else if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    process.stderr.write(`ccproxy: cannot listen: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(
      `ccproxy: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
