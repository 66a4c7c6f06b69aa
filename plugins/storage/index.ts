import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { homePaths } from '../../cli/home.ts';
import { ConfigError, type Plugin, type ProxyApp } from '../../core/index.ts';
import type { Storage } from '../../core/storage.ts';
import { MemoryStorage } from './memory.ts';
import { createRedactor } from './redact.ts';

/** The SQLite file a `sqlite:` setting names; `~` is the home directory, relative paths are from `CCPROXY_HOME`. */
export function sqliteFile(setting: string, env: NodeJS.ProcessEnv): string {
  const path = setting.slice('sqlite:'.length);
  if (path === ':memory:') return path;
  if (path.startsWith('~/')) return join(env.HOME || homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(homePaths(env).home, path);
}

/**
 * Opens the top-level `storage` (default `sqlite:$CCPROXY_HOME/ccproxy.db`; `false`: memory only)
 * and provides it as the service `'storage'`: usage rows, history and the `settings` table. Its
 * `close` writes what is still queued, so a SIGTERM loses nothing.
 * @example storage()
 */
export function storage(): Plugin {
  let store: Storage | undefined;
  return {
    name: 'storage',
    // Before the plugins that use the service (usage, budgets, live control).
    enforce: 'pre',
    async setup(app) {
      const opened = (store = await open(app));
      app.provide('storage', opened);
      app.addHealthCheck('storage', async (detail) => {
        const { error, ...health } = await opened.health();
        return {
          status: health.reachable ? 'ok' : 'degraded',
          storage: {
            engine: opened.engine,
            ...health,
            ...(error && { error: detail ? error : 'unreachable' }),
          },
        };
      });
    },
    async close() {
      await store?.close();
    },
  };
}

async function open(app: ProxyApp): Promise<Storage> {
  const setting = app.config.storage ?? `sqlite:${join(homePaths(app.env).home, 'ccproxy.db')}`;
  if (setting === false) return new MemoryStorage();
  const history = app.config.history ?? {};
  const options = {
    log: app.log,
    redact: createRedactor(app.env, history.redact),
    retentionDays: history.retentionDays,
  };
  if (setting.startsWith('sqlite:')) {
    // Loaded only when used: `storage: false` needs no native binding.
    const [{ SqliteDb }, { SqlStorage }] = await Promise.all([
      import('./sqlite.ts'),
      import('./sql.ts'),
    ]);
    const file = sqliteFile(setting, app.env);
    const db = new SqliteDb(file);
    db.migrate();
    app.log.debug({ file }, 'storage: SQLite');
    return new SqlStorage(db, options);
  }
  if (/^postgres(ql)?:\/\//.test(setting)) {
    const [{ PostgresDb }, { SqlStorage }] = await Promise.all([
      import('./postgres.ts'),
      import('./sql.ts'),
    ]);
    const db = new PostgresDb(setting, app.log);
    try {
      await db.migrate();
    } catch (error) {
      await db.close();
      throw new Error(
        `storage: cannot open PostgreSQL at ${redactUrl(setting)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    app.log.debug({ url: redactUrl(setting) }, 'storage: PostgreSQL');
    return new SqlStorage(db, options);
  }
  throw new ConfigError(
    `storage: expected sqlite:PATH, postgres://… or false, got "${redactUrl(setting)}"`,
  );
}

const redactUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//…@');
