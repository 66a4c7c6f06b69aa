import { useState } from 'preact/hooks';
import { ApiError, request } from '../api.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { ms, when } from '../format.ts';
import type { ConfigAnswer } from '../types.ts';
import { useApi } from '../use-api.ts';

/** The effective config (secrets masked by the server), the last reload, and a reload button. */
export function ConfigPage() {
  const answer = useApi<ConfigAnswer>('/api/config');
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  const reload = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await request('POST', '/api/config/reload', {});
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
      answer.reload();
    }
  };
  const { reload: state, ...config } = answer.data ?? { reload: undefined };
  const last = state?.last;
  return (
    <section aria-labelledby="config-title">
      <div class="page-head">
        <h1 id="config-title">Config</h1>
        <button type="button" disabled={busy} onClick={() => void reload()}>
          {busy ? 'Reloading…' : 'Reload the config file'}
        </button>
      </div>
      <ErrorBox error={answer.error ?? error} />
      {answer.data && (
        <>
          <div class="card">
            <p>
              File: <code>{answer.data.file ?? 'none (environment defaults)'}</code>
            </p>
            {last ? (
              <p class={last.ok ? 'ok' : 'error'} role="status">
                Last reload {when(last.at)}:{' '}
                {last.ok
                  ? `applied in ${ms(last.ms)}`
                  : `refused, the running config was kept: ${last.error ?? ''}`}
              </p>
            ) : (
              <p class="muted">Not reloaded since the start.</p>
            )}
          </div>
          <div class="card">
            <h2>Effective config</h2>
            <pre class="json">{JSON.stringify(config, null, 2)}</pre>
          </div>
        </>
      )}
    </section>
  );
}
