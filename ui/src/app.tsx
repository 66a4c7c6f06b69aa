import { useEffect, useState } from 'preact/hooks';
import { onUnauthorized } from './api.ts';
import { ErrorBox } from './components/error-box.tsx';
import { ThemeToggle } from './components/theme.tsx';
import { ConfigPage } from './pages/config.tsx';
import { LivePage } from './pages/live.tsx';
import { LoginPage } from './pages/login.tsx';
import { OverviewPage } from './pages/overview.tsx';
import { ProvidersPage } from './pages/providers.tsx';
import { RequestPage } from './pages/request.tsx';
import { RequestsPage } from './pages/requests.tsx';
import { SwitchPage } from './pages/switch.tsx';
import { href, useRoute, type Route } from './route.ts';
import { logIn, logOut, sessionState, type SessionState } from './session.ts';

const PAGES = [
  { page: 'overview', label: 'Overview' },
  { page: 'switch', label: 'Switch' },
  { page: 'providers', label: 'Providers' },
  { page: 'requests', label: 'Requests' },
  { page: 'live', label: 'Live' },
  { page: 'config', label: 'Config' },
] as const;

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <OverviewPage route={route} />;
    case 'switch':
      return <SwitchPage />;
    case 'providers':
      return <ProvidersPage />;
    case 'requests':
      return route.args[0] ? <RequestPage id={route.args[0]} /> : <RequestsPage route={route} />;
    case 'live':
      return <LivePage />;
    case 'config':
      return <ConfigPage />;
    default:
      return <ErrorBox message={`No page "${route.page}".`} />;
  }
}

/** Redeems the banner's one-time token if the address carried one, then asks who we are. */
async function startSession(token: string | undefined): Promise<SessionState> {
  if (token) {
    try {
      return await logIn({ token });
    } catch {
      // used or expired: the login page says so below, and takes the admin key
    }
  }
  return sessionState();
}

/** The shell: login until the admin API serves this browser, then the pages. */
export function App({ loginToken }: { loginToken: string | undefined }) {
  const route = useRoute();
  const [session, setSession] = useState<SessionState | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  useEffect(() => {
    startSession(loginToken).then(setSession, (error: unknown) => setFailure(String(error)));
    return onUnauthorized(() =>
      setSession((old) => (old ? { ...old, authenticated: false } : old)),
    );
  }, []);

  if (failure) return <ErrorBox message={failure} />;
  if (!session) return <main class="loading" aria-busy="true" />;
  if (!session.authenticated) return <LoginPage onLogin={setSession} />;
  const current = route.page;
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href={href('overview')}>
          ccproxy
        </a>
        <nav aria-label="Pages">
          {PAGES.map(({ page, label }) => (
            <a href={href(page)} aria-current={current === page ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <div class="top-actions">
          <ThemeToggle />
          {session.key_required && (
            <button
              type="button"
              class="ghost"
              onClick={() =>
                void logOut().then(() => setSession({ ...session, authenticated: false }))
              }
            >
              Log out
            </button>
          )}
        </div>
      </header>
      <main id="main">
        <Page route={route} />
      </main>
    </div>
  );
}
