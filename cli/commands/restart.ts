import { startBackground, startedMessage, stopServer } from '../background.ts';
import { homePaths } from '../home.ts';
import { withLock } from '../lock.ts';
import type { ServerFlags } from '../options.ts';
import { readServer, removeServer } from '../server-record.ts';

/**
 * `ccproxy restart`: stops the recorded server (open streams finish) and starts it again in the
 * background with the flags it had, those given here overriding them.
 */
export async function restart(flags: ServerFlags): Promise<void> {
  const paths = homePaths();
  await withLock(paths.lockFile, async () => {
    const current = readServer(paths);
    let previous: ServerFlags = {};
    if (current.state === 'running') {
      previous = current.record.flags;
      process.stdout.write(`stopping ccproxy (pid ${current.record.pid})…\n`);
      await stopServer(paths, current.record);
    } else if (current.state === 'stale') {
      previous = current.record.flags;
      removeServer(paths, current.record.pid);
    }
    const merged = Object.fromEntries(
      Object.entries({ ...previous, ...flags }).filter(([, v]) => v !== undefined),
    ) as ServerFlags;
    const record = await startBackground(paths, merged, 'start');
    process.stdout.write(startedMessage(record));
  });
}
