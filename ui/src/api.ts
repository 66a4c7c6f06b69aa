/**
 * The admin API over HTTP (DESIGN §8.4), same origin: the session cookie rides along, writes send
 * JSON (the guard refuses other content types and cross-site requests).
 */

/** An Anthropic-shaped error from the API, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

type Listener = () => void;
const unauthorized = new Set<Listener>();

/** Called whenever the API answers 401: the app shows the login page. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorized.add(listener);
  return () => unauthorized.delete(listener);
}

async function errorOf(response: Response): Promise<ApiError> {
  let type = 'api_error';
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { type?: string; message?: string } };
    type = body.error?.type ?? type;
    message = body.error?.message ?? message;
  } catch {
    // not JSON: the status line says enough
  }
  return new ApiError(response.status, type, message);
}

/** Calls the API; resolves with the JSON answer (undefined for 204), rejects with an ApiError. */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(0, 'network_error', `ccproxy did not answer: ${String(error)}`);
  }
  if (response.status === 401) unauthorized.forEach((listener) => listener());
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const get = <T>(path: string) => request<T>('GET', path);

/** `?a=1&b=2` from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
