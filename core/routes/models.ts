import type Router from '@koa/router';
import type { ProxyRuntime } from '../app.ts';
import { ProxyError } from '../errors.ts';
import { parseModelRef, pickerAlias } from '../models.ts';
import type { ModelInfo } from '../plugin.ts';

// A fixed date: the list is derived from config, and a changing `created_at` would reorder clients' caches.
const CREATED_AT = '2025-01-01T00:00:00Z';

/** A listed model; `description` is read by Claude Code's picker (under the display name). */
type ListedModel = ModelInfo & { description?: string };

function info(id: string, display_name = id, description?: string): ListedModel {
  return {
    type: 'model',
    id,
    display_name,
    created_at: CREATED_AT,
    max_input_tokens: null,
    max_tokens: null,
    ...(description && { description }),
  };
}

/**
 * Every routable model: each configured `provider,model` (and bare name) followed by its picker
 * alias, so that Claude Code's `/model` picker, which keeps only ids naming Claude, offers it too.
 */
function listed(runtime: ProxyRuntime): ListedModel[] {
  const models: ListedModel[] = [];
  for (const id of runtime.models) {
    models.push(info(id));
    const target = parseModelRef(id, runtime.providers);
    const alias = target && pickerAlias(target);
    if (alias) models.push(info(alias, `${target.model} (${target.provider})`, `ccproxy → ${id}`));
  }
  return models;
}

/**
 * `GET /v1/models` and `/v1/models/{id}` in Anthropic's shape (PROTOCOL §5.2, G3–G5), from the
 * configured providers and model map; answered locally, never redirected.
 */
export function modelRoutes(runtime: ProxyRuntime, router: Router): void {
  router.get('/v1/models', (http) => {
    const models = listed(runtime);
    const ids = models.map((model) => model.id);
    const limit = clamp(Number(http.query.limit ?? 20), 1, 1000);
    const after =
      typeof http.query.after_id === 'string' ? ids.indexOf(http.query.after_id) + 1 : 0;
    const beforeIndex =
      typeof http.query.before_id === 'string' ? ids.indexOf(http.query.before_id) : -1;
    const start = beforeIndex >= 0 ? Math.max(0, beforeIndex - limit) : after;
    const end = beforeIndex >= 0 ? beforeIndex : Math.min(ids.length, start + limit);
    const page = models.slice(start, end);
    http.body = {
      data: page,
      has_more: beforeIndex >= 0 ? start > 0 : end < ids.length,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    };
  });
  // `*id`: ids hold `/` (`openrouter,meta/llama`, the picker aliases).
  router.get('/v1/models/*id', (http) => {
    const model = listed(runtime).find((entry) => entry.id === http.params.id);
    if (!model) throw new ProxyError('not_found_error', 404, `model: ${http.params.id}`);
    http.body = model;
  });
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.min(max, Math.max(min, Math.trunc(n))) : 20;
}
