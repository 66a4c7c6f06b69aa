/** Calls `read` until `done` says yes; resolves to the last value and how long it took (ms). */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  for (;;) {
    const value = await read();
    if (done(value)) return { value, ms: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
