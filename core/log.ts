import pino, { type Logger } from 'pino';
import type { LogLevel } from './config/define.ts';

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

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go. Default: stdout, written asynchronously so logging stays off the hot path. */
  destination?: pino.DestinationStream;
}

/** The process logger: JSON lines, secrets redacted. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    { level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, base: undefined },
    destination,
  );
}

export type { Logger };
