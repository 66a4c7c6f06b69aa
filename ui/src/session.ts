import { request } from './api.ts';

/** `GET /ui/session`: whether the admin API serves this browser, and whether a key is needed. */
export interface SessionState {
  authenticated: boolean;
  /** False when no admin key is set: loopback browsers are served without logging in. */
  key_required: boolean;
}

export const sessionState = () => request<SessionState>('GET', '/ui/session');

/** Logs in with an admin key or the start banner's one-time token; the answer sets the cookie. */
export const logIn = (credential: { key: string } | { token: string }) =>
  request<SessionState>('POST', '/ui/session', credential);

export const logOut = () => request<void>('DELETE', '/ui/session');

const LOGIN = /^#login=([\w-]+)/;

/**
 * The one-time token of the start banner's URL (`/ui/#login=…`), taken out of the address bar at
 * once so that it is neither kept in history nor shown. A fragment never reaches the server's
 * logs nor a Referer header.
 */
export function takeLoginToken(): string | undefined {
  const token = LOGIN.exec(location.hash)?.[1];
  if (token) history.replaceState(null, '', `${location.pathname}#/overview`);
  return token;
}
