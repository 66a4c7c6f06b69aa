import pino, { type Logger } from 'pino';
import type { LogLevel } from './config/define.ts';
import { ConfigError, type ProxyError } from './errors.ts';

/** Paths that may hold a credential anywhere in a log object; pino replaces them. */
const REDACT = [
  'apiKey',
  '*.apiKey',
  'key',
  '*.key',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'headers["x-goog-api-key"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  '*.headers["api-key"]',
  '*.headers["x-goog-api-key"]',
];

/** `pretty`: coloured one-line entries for a person at a terminal; `json`: one JSON object a line. */
export type LogFormat = 'pretty' | 'json';

/** `LOG_FORMAT` when set, else pretty on a terminal and JSON otherwise (a file, a pipe, a collector). */
export function logFormat(env: NodeJS.ProcessEnv, tty: boolean): LogFormat {
  const format = env.LOG_FORMAT?.trim().toLowerCase();
  if (!format) return tty ? 'pretty' : 'json';
  if (format === 'pretty' || format === 'json') return format;
  throw new ConfigError(`LOG_FORMAT: expected "pretty" or "json", got "${env.LOG_FORMAT}"`);
}

/**
 * Standard output in `format`. pino-pretty is imported only for the pretty format: a server whose
 * logs go to a collector does not load it at start.
 */
export async function consoleDestination(format: LogFormat): Promise<pino.DestinationStream> {
  if (format === 'json') return pino.destination({ dest: 1, sync: false });
  const { default: pretty } = await import('pino-pretty');
  return pretty({
    colorize: true,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    destination: 1,
    sync: false,
  });
}

/**
 * A routine failure (an upstream refusing, timing out or unreachable; a model list unavailable) in
 * one line: its message, and its stack only when the log level is `debug` or finer.
 */
export function failureFields(log: Logger, error: unknown): { error: string } | { err: unknown } {
  if (log.isLevelEnabled('debug')) return { err: error };
  return { error: error instanceof Error ? error.message : String(error) };
}

/**
 * A request's failure, when it is the proxy's (≥ 500): a bug (500) with its stack; an upstream
 * failing (502, 504, 529…) is routine, one warning line (stack at debug).
 */
export function logFailure(log: Logger, error: ProxyError, fields: Record<string, unknown>): void {
  if (error.status < 500) return;
  if (error.status === 500) log.error({ ...fields, err: error.cause ?? error }, error.message);
  else log.warn({ ...fields, ...failureFields(log, error.cause ?? error) }, error.message);
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go. Default: `file`, else stdout, written asynchronously (off the hot path). */
  destination?: pino.DestinationStream;
  /** A file the lines are appended to (its folder made if missing). */
  file?: string;
}

/** The process logger: JSON lines, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ??
    pino.destination({ dest: options.file ?? 1, mkdir: options.file !== undefined, sync: false });
  return pino(
    { level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined },
    destination,
  );
}

export type { Logger };
