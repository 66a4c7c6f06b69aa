import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, get } from './api.ts';

/** What a page shows while a GET is loading, failed, or answered. */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Fetches again (after a change the page made). */
  reload: () => void;
}

/** GETs `path` (again whenever it changes); `null` waits. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({
    loading: path !== null,
  });
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((old) => ({ ...old, loading: true }));
    get<T>(path).then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) =>
        current &&
        setState({
          error: error instanceof ApiError ? error : new ApiError(0, 'error', String(error)),
          loading: false,
        }),
    );
    return () => {
      current = false;
    };
  }, [path, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
