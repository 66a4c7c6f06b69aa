import { homePaths } from './home.ts';
import { readServer } from './server-record.ts';

/** What an admin API call gave: the JSON body, or why there is none. */
export type AdminAnswer<T> = { ok: true; body: T } | { ok: false; status?: number; error: string };

/** Why an admin command could not do its job, worded for the user; the CLI prints it, exit 1. */
export class AdminError extends Error {
  override name = 'AdminError';
}

interface CallOptions {
  method?: 'GET' | 'PUT';
  body?: unknown;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * A call to the running server's admin API (DESIGN §8.4) with `CCPROXY_ADMIN_KEY` when it is set
 * (with none, the server serves loopback clients). Never throws: a command shows what it could get.
 */
export async function adminCall<T>(
  url: string,
  path: string,
  options: CallOptions = {},
): Promise<AdminAnswer<T>> {
  const key = (options.env ?? process.env).CCPROXY_ADMIN_KEY;
  try {
    const response = await fetch(`${url}${path}`, {
      method: options.method ?? 'GET',
      headers: {
        ...(key ? { 'x-api-key': key } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    const text = await response.text();
    if (!response.ok) return failure(response.status, text);
    return { ok: true, body: JSON.parse(text) as T };
  } catch (error) {
    return { ok: false, error: reason(error) };
  }
}

/** `GET` through {@link adminCall}, for commands that print what they could get. */
export const adminGet = <T>(url: string, path: string, timeoutMs = 2000, env = process.env) =>
  adminCall<T>(url, path, { timeoutMs, env });

/**
 * The running server's URL: `--url`, else `CCPROXY_URL`, else the PID file's (`start`, `start -d`
 * and `code` write it). None: an error that says how to start one.
 */
export function serverUrl(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  const given = flag ?? env.CCPROXY_URL;
  if (given) return given.replace(/\/+$/, '');
  const current = readServer(homePaths(env));
  if (current.state === 'running') return current.record.url;
  throw new AdminError(
    'ccproxy is not running: start it with `ccproxy start -d` (or name a server with --url)',
  );
}

/**
 * An admin call that must succeed: its body, or an {@link AdminError} saying what to do (start
 * the server, set the admin key, add the cockpit).
 */
export async function adminRequest<T>(
  url: string,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const answer = await adminCall<T>(url, path, options);
  if (answer.ok) return answer.body;
  throw new AdminError(explain(url, path, answer));
}

/**
 * A streaming admin route (`/api/events`): its body as it arrives, or an {@link AdminError}.
 * `signal` ends it.
 */
export async function adminStream(
  url: string,
  path: string,
  signal?: AbortSignal,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AsyncIterable<Uint8Array>> {
  const key = env.CCPROXY_ADMIN_KEY;
  let response: Response;
  try {
    response = await fetch(`${url}${path}`, { headers: key ? { 'x-api-key': key } : {}, signal });
  } catch (error) {
    throw new AdminError(explain(url, path, { error: reason(error) }));
  }
  if (!response.ok || !response.body)
    throw new AdminError(explain(url, path, failure(response.status, await response.text())));
  return response.body;
}

function explain(url: string, path: string, answer: { status?: number; error: string }): string {
  const route = path.split('?')[0];
  if (answer.status === undefined)
    return `the server at ${url} does not answer (${answer.error}); \`ccproxy status\` says whether it runs`;
  if (answer.status === 401 || answer.status === 403)
    return `${url} refused the admin API (${answer.error}); set CCPROXY_ADMIN_KEY to one of its admin keys`;
  if (answer.status === 404 && /^(No route for |HTTP 404)/.test(answer.error))
    return `${url} has no ${route}: its config lacks the cockpit (add cockpit() to its plugins)`;
  return `${route}: ${answer.error}`;
}

/** Why a call got no answer: the socket's error code (ECONNREFUSED), a timeout, or fetch's words. */
const reason = (error: unknown): string => {
  const { cause, name, message } = error as { cause?: { code?: string; message?: string } } & Error;
  if (name === 'TimeoutError') return 'no answer in time';
  return cause?.code ?? cause?.message ?? message;
};

/** A refusal: the status and the Anthropic error's message (or the bare status). */
function failure(status: number, text: string): { ok: false; status: number; error: string } {
  const message = (safeJson(text) as { error?: { message?: string } } | undefined)?.error?.message;
  return { ok: false, status, error: message ?? `HTTP ${status}` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
