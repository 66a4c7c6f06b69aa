/** What an admin API call gave: the JSON body, or why there is none. */
export type AdminAnswer<T> = { ok: true; body: T } | { ok: false; status?: number; error: string };

/**
 * `GET` on the running server's admin API (DESIGN §8.4) with `CCPROXY_ADMIN_KEY` when it is set
 * (with none, the server serves loopback clients). Never throws: a command shows what it could get.
 */
export async function adminGet<T>(
  url: string,
  path: string,
  timeoutMs = 2000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AdminAnswer<T>> {
  const key = env.CCPROXY_ADMIN_KEY;
  try {
    const response = await fetch(`${url}${path}`, {
      headers: key ? { 'x-api-key': key } : {},
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      const message = (safeJson(text) as { error?: { message?: string } } | undefined)?.error
        ?.message;
      return { ok: false, status: response.status, error: message ?? `HTTP ${response.status}` };
    }
    return { ok: true, body: JSON.parse(text) as T };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
