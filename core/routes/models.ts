import type Router from '@koa/router';
import type { ProxyRuntime } from '../app.ts';
import { ProxyError } from '../errors.ts';
import type { ModelInfo } from '../plugin.ts';

// A fixed date: the list is derived from config, and a changing `created_at` would reorder clients' caches.
const CREATED_AT = '2025-01-01T00:00:00Z';

function info(id: string): ModelInfo {
  return {
    type: 'model',
    id,
    display_name: id,
    created_at: CREATED_AT,
    max_input_tokens: null,
    max_tokens: null,
  };
}

/**
 * `GET /v1/models` and `/v1/models/{id}` in Anthropic's shape (PROTOCOL §5.2, G3–G5), from the
 * configured providers and model map; answered locally, never redirected.
 */
export function modelRoutes(runtime: ProxyRuntime, router: Router): void {
  router.get('/v1/models', (http) => {
    const ids = [...runtime.models];
    const limit = clamp(Number(http.query.limit ?? 20), 1, 1000);
    const after =
      typeof http.query.after_id === 'string' ? ids.indexOf(http.query.after_id) + 1 : 0;
    const beforeIndex =
      typeof http.query.before_id === 'string' ? ids.indexOf(http.query.before_id) : -1;
    const start = beforeIndex >= 0 ? Math.max(0, beforeIndex - limit) : after;
    const end = beforeIndex >= 0 ? beforeIndex : Math.min(ids.length, start + limit);
    const page = ids.slice(start, end).map(info);
    http.body = {
      data: page,
      has_more: beforeIndex >= 0 ? start > 0 : end < ids.length,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    };
  });
  router.get('/v1/models/:id', (http) => {
    const id = http.params.id!;
    if (!runtime.models.has(id)) throw new ProxyError('not_found_error', 404, `model: ${id}`);
    http.body = info(id);
  });
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : 20;
}
