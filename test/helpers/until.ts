/**
 * Calls `read` until `done` says yes; resolves to the last value and how long it took (ms). Gives
 * up after `giveUpMs` (default 60 s) with the last value read, so that a state that never comes
 * fails its test, saying what it saw, instead of hanging the file until the runner's timeout.
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  giveUpMs = 60_000,
): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  for (;;) {
    const value = await read();
    const ms = performance.now() - started;
    if (done(value)) return { value, ms };
    if (ms > giveUpMs)
      throw new Error(`still not there after ${Math.round(ms)} ms: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
