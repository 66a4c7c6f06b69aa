/** One line of `ccproxy doctor`: what was checked, how it went, and what to do when it failed. */
export interface Check {
  name: string;
  /** `warn`: worth knowing, not a failure (the exit code stays 0). */
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  /** What to do, for `warn` and `fail`. */
  fix?: string;
}

export const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });

export const warn = (name: string, detail: string, fix?: string): Check => ({
  name,
  status: 'warn',
  detail,
  ...(fix && { fix }),
});

export const fail = (name: string, detail: string, fix?: string): Check => ({
  name,
  status: 'fail',
  detail,
  ...(fix && { fix }),
});
