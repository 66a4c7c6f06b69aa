import { PassThrough } from 'node:stream';
import type { ProxyApp, ProxyEvent } from '../../core/index.ts';
import type { AdminGuard } from './guard.ts';

/** A comment line after this much silence keeps proxies and idle timers from closing the stream. */
const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/events`: server-sent events, one per finished request (`request`, the row), switch,
 * reload, breaker change and runtime provider change, as they happen. `?types=request,switch`
 * narrows them. The stream ends when the runtime serving it is replaced (a config reload): an
 * `EventSource` reconnects by itself, to the new one.
 */
export function eventRoutes(app: ProxyApp, guard: AdminGuard): void {
  app.http.get('/api/events', guard.read, (http) => {
    const events = app.service('events')!;
    const wanted =
      typeof http.query.types === 'string' ? new Set(http.query.types.split(',')) : null;
    const out = new PassThrough();
    const write = (event: ProxyEvent) => {
      if (wanted && !wanted.has(event.type)) return;
      out.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = events.subscribe(write);
    const heartbeat = setInterval(() => out.write(': ping\n\n'), HEARTBEAT_MS);
    const end = () => {
      clearInterval(heartbeat);
      unsubscribe();
      app.retired.removeEventListener('abort', end);
      out.end();
    };
    app.retired.addEventListener('abort', end);
    http.res.once('close', end);
    http.set({ 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    http.type = 'text/event-stream';
    http.body = out;
    // The headers go out at once, so a client knows it is subscribed before the first event.
    out.write(': subscribed\n\n');
  });
}
