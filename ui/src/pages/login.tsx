import { useState } from 'preact/hooks';
import { ApiError } from '../api.ts';
import { logIn, type SessionState } from '../session.ts';

/** Admin key login; the start banner's one-time URL skips it. */
export function LoginPage({ onLogin }: { onLogin: (state: SessionState) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onLogin(await logIn({ key }));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 401 ? 'That is not an admin key.' : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={(event) => void submit(event)} class="card">
        <h1>ccproxy</h1>
        <p>
          Log in with an admin key (<code>CCPROXY_ADMIN_KEY</code> or{' '}
          <code>
            admin({'{'} keys {'}'})
          </code>
          ), or open the one-time URL printed when the server started.
        </p>
        <label>
          Admin key
          <input
            type="password"
            name="key"
            autocomplete="off"
            required
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Log in
        </button>
      </form>
    </main>
  );
}
