import { resolve } from 'node:path';
import { loadServerConfig, type ServerFlags } from '../options.ts';
import { version } from '../version.ts';

/** `ccproxy [start]`: the server in the foreground; SIGINT/SIGTERM let open streams finish. */
export async function start(flags: ServerFlags): Promise<void> {
  const config = await loadServerConfig(flags, 'start');
  const [{ startProxy }, { banner }] = await Promise.all([
    import('../../core/index.ts'),
    import('../banner.ts'),
  ]);
  // The config file and the .env in the working directory are watched: a save reloads them.
  const watch = [config.file, resolve('.env')].filter((file) => file !== null);
  const reload = () => loadServerConfig(flags, 'start');
  const proxy = await startProxy(config, { loadConfig: reload, watch });
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
