import { stopServer } from '../background.ts';
import { homePaths } from '../home.ts';
import { withLock } from '../lock.ts';
import { readServer, removeServer } from '../server-record.ts';

/** `ccproxy stop`: SIGTERM to the recorded server; open streams finish (up to 30 s) first. */
export async function stop(): Promise<void> {
  const paths = homePaths();
  await withLock(paths.lockFile, async () => {
    const current = readServer(paths);
    if (current.state === 'none') return void process.stdout.write('ccproxy is not running\n');
    const { pid, url } = current.record;
    if (current.state === 'stale') {
      removeServer(paths, pid);
      return void process.stdout.write(
        `ccproxy is not running (removed a stale PID file of pid ${pid})\n`,
      );
    }
    process.stdout.write(`stopping ccproxy at ${url} (pid ${pid}); open streams may finish…\n`);
    const how = await stopServer(paths, current.record);
    process.stdout.write(
      how === 'stopped' ? 'stopped\n' : 'killed: streams were still open after 35 s\n',
    );
  });
}
