import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where ccproxy keeps what outlives a command: the PID file, its lock, leases and logs. */
export interface HomePaths {
  /** `CCPROXY_HOME`, default `~/.ccproxy`. */
  home: string;
  /** The PID file: the background (or foreground) server's pid, URL, start time, owner. */
  pidFile: string;
  /** Held while a command starts or stops the server, so two `code` sessions start one. */
  lockFile: string;
  /** One file per running `ccproxy code` session. */
  leasesDir: string;
  /** A background server's log; rotated copies are `.1` … `.4`. */
  logFile: string;
}

/** The paths under `CCPROXY_HOME` (default `~/.ccproxy`). */
export function homePaths(env: NodeJS.ProcessEnv = process.env): HomePaths {
  const home = resolve(env.CCPROXY_HOME || join(env.HOME || homedir(), '.ccproxy'));
  return {
    home,
    pidFile: join(home, 'server.json'),
    lockFile: join(home, 'server.lock'),
    leasesDir: join(home, 'leases'),
    logFile: join(home, 'logs', 'ccproxy.log'),
  };
}
