import { useEffect, useState } from 'preact/hooks';

/** The page and its arguments, from the location hash: `#/requests/req_123?q=word`. */
export interface Route {
  page: string;
  /** Path segments after the page (a request id, a session id). */
  args: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page = '', ...args] = path.split('/').map(decodeURIComponent);
  return { page: page || 'overview', args, params: new URLSearchParams(search) };
}

/** A hash link to a page: `href('requests', [id], { q })`. */
export function href(
  page: string,
  args: string[] = [],
  params: Record<string, string | undefined> = {},
): string {
  const path = [page, ...args].map(encodeURIComponent).join('/');
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return `#/${path}${text ? `?${text}` : ''}`;
}

/** The current route; re-renders on hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** Replaces the query of the current page without a new history entry. */
export function replaceParams(route: Route, params: Record<string, string | undefined>): void {
  const url = href(route.page, route.args, params);
  history.replaceState(null, '', url);
  dispatchEvent(new HashChangeEvent('hashchange'));
}
