import type { ErrorType, StreamEvent } from './anthropic.ts';

const BRAND = Symbol.for('ccproxy.ProxyError');

export interface ProxyErrorOptions {
  cause?: unknown;
  /** Extra response headers, e.g. `retry-after`. Names in lower case. */
  headers?: Record<string, string>;
}

/** An Anthropic error type, an HTTP status and a message safe to show the client. */
export class ProxyError extends Error {
  readonly [BRAND] = true;
  readonly type: ErrorType;
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Set by the hook runner: which plugin and hook threw, for the log. */
  plugin?: string;
  hook?: string;

  constructor(type: ErrorType, status: number, message: string, options: ProxyErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'ProxyError';
    this.type = type;
    this.status = status;
    this.headers = options.headers ?? {};
  }

  /** A brand check, not `instanceof`: an in-house plugin may bring its own copy of ccproxy. */
  static is(value: unknown): value is ProxyError {
    return typeof value === 'object' && value !== null && BRAND in value;
  }
}

/** The Anthropic error type for an HTTP status (PROTOCOL §4). */
export function errorTypeForStatus(status: number): ErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 409:
      return 'conflict_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/** The ProxyError an SSE `error` event stands for, with the status its type maps to. */
export function errorFromEvent(event: StreamEvent & { type: 'error' }): ProxyError {
  return new ProxyError(
    event.error.type,
    statusForErrorType(event.error.type),
    event.error.message,
  );
}

/** The HTTP status a client expects for an error type that arrives inside a stream. */
export function statusForErrorType(type: string): number {
  switch (type) {
    case 'invalid_request_error':
      return 400;
    case 'authentication_error':
      return 401;
    case 'billing_error':
      return 402;
    case 'permission_error':
      return 403;
    case 'not_found_error':
      return 404;
    case 'conflict_error':
      return 409;
    case 'request_too_large':
      return 413;
    case 'rate_limit_error':
      return 429;
    case 'timeout_error':
      return 504;
    case 'overloaded_error':
      return 529;
    default:
      return 500;
  }
}

/** Any thrown value as a ProxyError; unknown errors become a generic 500 with the detail in `cause`. */
export function asProxyError(error: unknown): ProxyError {
  if (ProxyError.is(error)) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new ProxyError('api_error', 499, 'The client closed the request', { cause: error });
  }
  return new ProxyError('api_error', 500, 'Internal proxy error', { cause: error });
}

/** The JSON body Anthropic sends with an error status (PROTOCOL §4). */
export function errorBody(error: ProxyError, requestId: string) {
  return {
    type: 'error' as const,
    error: { type: error.type, message: error.message },
    request_id: requestId,
  };
}

/** A config mistake, worded as file, path and expectation (STYLE 2.7). Stops start-up. */
const CONFIG_BRAND = Symbol.for('ccproxy.ConfigError');

export class ConfigError extends Error {
  readonly [CONFIG_BRAND] = true;

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }

  /**
   * `instanceof` by brand: a plugin may bring a second copy of these modules (its own install
   * of ccproxy), whose ConfigError must still read as a config mistake rather than a crash.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && CONFIG_BRAND in value;
  }
}
