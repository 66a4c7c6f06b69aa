import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.ts';
import type { ServerLimits } from '../http/limits.ts';
import type { PluginOption } from '../plugin.ts';
import type { StorageSetting } from './cockpit.ts';
import { importConfigFile } from './compile.ts';
import { LOG_LEVELS, UserConfig, type LogLevel, type UserConfigFn } from './define.ts';
import { configLoadError } from './load-error.ts';
import { explain, schemaErrors } from './validate.ts';

/** The config in force, every default filled in. */
export interface ResolvedConfig {
  /** The file loaded, or `null` when running on the environment defaults. */
  file: string | null;
  server: {
    host: string;
    port: number;
    allowOpen: boolean;
    limits?: ServerLimits;
    trustProxy?: string[];
  };
  plugins: PluginOption[];
  logLevel: LogLevel;
  /** `CCPROXY_LOG_FILE`: log lines go to this file (appended) instead of stdout. */
  logFile?: string;
  redis?: string;
  storage?: UserConfig['storage'];
  history?: UserConfig['history'];
  pricing?: UserConfig['pricing'];
  budgets?: UserConfig['budgets'];
}

/** What the command line said; it beats everything else. */
export interface ConfigFlags {
  config?: string;
  host?: string;
  port?: number;
  allowOpen?: boolean;
}

export interface LoadOptions {
  flags?: ConfigFlags;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  command?: string;
  /** The plugins to run when no config file is found (the env-compatible default). */
  fallback: (env: NodeJS.ProcessEnv) => PluginOption[];
}

export const SEARCH_PLACES = [
  'ccproxy.config.ts',
  'ccproxy.config.mts',
  'ccproxy.config.js',
  'ccproxy.config.mjs',
];

const LEVELS: readonly LogLevel[] = LOG_LEVELS;

/**
 * Finds, loads and checks the config. Search: `--config` (or `CCPROXY_CONFIG`), then the working directory, then
 * `~/.ccproxy/`. Precedence, written once here: flags > environment > file > defaults.
 */
export async function loadConfig(options: LoadOptions): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const file = findConfig(options.flags?.config, cwd, env);
  const label = file ? displayName(file, cwd) : 'environment';
  let user: UserConfig;
  if (file) {
    user = await importConfig(file, label, cwd, { command: options.command ?? 'start', env });
    const errors = schemaErrors(UserConfig, user);
    if (errors) throw new ConfigError(`${label}: ${explain(errors, user, 'config')}`);
  } else {
    user = { plugins: withSource(() => options.fallback(env), label) };
  }
  // The Go ccproxy's CCPROXY_PORT and CCPROXY_HOST, naming ccproxy alone, beat the generic names.
  const port =
    options.flags?.port ??
    envPort(env, 'CCPROXY_PORT') ??
    envPort(env, 'PORT') ??
    user.server?.port ??
    3456;
  const logLevel = envLogLevel(env.LOG_LEVEL) ?? user.logLevel ?? 'info';
  if (!LEVELS.includes(logLevel)) {
    throw new ConfigError(
      `LOG_LEVEL: expected one of ${LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`,
    );
  }
  return {
    file,
    server: {
      host: options.flags?.host || env.CCPROXY_HOST || env.HOST || user.server?.host || '127.0.0.1',
      port,
      allowOpen:
        options.flags?.allowOpen ??
        envBoolean(env.CCPROXY_ALLOW_OPEN) ??
        user.server?.allowOpen ??
        false,
      // Only when set: a resolved config lists what was configured, not every optional key.
      ...(user.server?.limits && { limits: user.server.limits }),
      ...(user.server?.trustProxy && { trustProxy: user.server.trustProxy }),
    },
    plugins: user.plugins ?? [],
    logLevel,
    logFile: env.CCPROXY_LOG_FILE || undefined,
    redis: envUrl(env, 'CCPROXY_REDIS', /^rediss?:\/\//, 'redis://… or rediss://…') ?? user.redis,
    storage: envStorage(env) ?? user.storage,
    history: user.history,
    pricing: user.pricing,
    budgets: user.budgets,
  };
}

function findConfig(flag: string | undefined, cwd: string, env: NodeJS.ProcessEnv): string | null {
  const [source, given] = flag ? ['--config', flag] : ['CCPROXY_CONFIG', env.CCPROXY_CONFIG];
  if (given) {
    const path = resolve(cwd, given);
    if (!existsSync(path)) throw new ConfigError(`${source}: no file at ${given}`);
    return path;
  }
  const home = join(env.HOME ?? homedir(), '.ccproxy');
  for (const dir of [cwd, home]) {
    for (const name of SEARCH_PLACES) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  return null;
}

/**
 * Imports a config into this process's own module graph, so that the plugins it builds share the
 * running ccproxy's modules (one logger, one connection pool), and runs it when it exports a
 * function. Compiled first (see compile.ts), so a config may import in-house plugins written in
 * TypeScript without a build step. Any failure but a ConfigError (which withSource prefixes with
 * the file) is reported at the user's line.
 */
async function importConfig(
  file: string,
  label: string,
  cwd: string,
  configEnv: { command: string; env: NodeJS.ProcessEnv },
) {
  const evaluate = async () => {
    const module = (await importConfigFile(file)) as { default?: UserConfig | UserConfigFn };
    return typeof module.default === 'function' ? await module.default(configEnv) : module.default;
  };
  let config: UserConfig | undefined;
  try {
    config = await withSource(evaluate, label);
  } catch (error) {
    // Converted after withSource: the place it names may be another of the author's files.
    if (error instanceof ConfigError) throw error;
    const level = configEnv.env.LOG_LEVEL?.toLowerCase();
    const debug = level === 'debug' || level === 'trace';
    throw configLoadError(error, label, (at) => displayName(at, cwd), debug);
  }
  if (!config || typeof config !== 'object') {
    throw new ConfigError(
      `${label}: expected a default export made with defineConfig({...}), got ${typeof config}`,
    );
  }
  return config;
}

/** Prefixes a ConfigError thrown while evaluating the config (a plugin factory) with its file. */
function withSource<T>(run: () => T, label: string): T {
  const prefix = (error: unknown): never => {
    if (error instanceof ConfigError && !error.message.startsWith(`${label}:`)) {
      throw new ConfigError(`${label}: ${error.message}`);
    }
    throw error;
  };
  try {
    const result = run();
    return (result instanceof Promise ? result.catch(prefix) : result) as T;
  } catch (error) {
    return prefix(error);
  }
}

function displayName(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

/**
 * `CCPROXY_STORAGE`: a deployment's database without editing its config (several instances from
 * one image). `false`, `off` or `memory` keep everything in memory.
 */
function envStorage(env: NodeJS.ProcessEnv): StorageSetting | undefined {
  const value = env.CCPROXY_STORAGE?.trim();
  if (value && ['false', 'off', 'memory'].includes(value.toLowerCase())) return false;
  return envUrl(
    env,
    'CCPROXY_STORAGE',
    /^(sqlite:|postgres(ql)?:\/\/)/,
    'sqlite:PATH, postgres://… or false',
  );
}

/** A URL variable checked for its scheme; the value is not echoed (it may carry a password). */
function envUrl(
  env: NodeJS.ProcessEnv,
  name: string,
  scheme: RegExp,
  expected: string,
): string | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!scheme.test(value)) {
    const given = /^[a-z][\w+.-]*:/i.exec(value)?.[0] ?? 'a value with no URL scheme';
    throw new ConfigError(`${name}: expected ${expected}, got ${given}…`);
  }
  return value;
}

function envPort(env: NodeJS.ProcessEnv, name: 'PORT' | 'CCPROXY_PORT'): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name}: expected an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

// The Python proxies took Python's level names (`WARNING`, `CRITICAL`); they keep working.
const PYTHON_LEVELS: Record<string, LogLevel> = { warning: 'warn', critical: 'fatal' };

function envLogLevel(value: string | undefined): LogLevel | undefined {
  if (!value) return undefined;
  const level = value.toLowerCase();
  return PYTHON_LEVELS[level] ?? (level as LogLevel);
}

export function envBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return /^(1|true|yes|on)$/i.test(value);
}
