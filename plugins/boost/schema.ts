import { ModelRef, Options, RedisUrl, Type, type Static } from '../../core/index.ts';
import type { Tier } from '../model-map/index.ts';

/** `boost()` options, written once: the type `defineConfig` completes and the schema checked at load. */
export const BoostOptions = Options({
  /** Model tiers (from model-map) boosted. Default: none; set this, `routes`, or both. */
  tiers: Type.Optional(Type.Array(Type.Enum(['big', 'middle', 'small'] satisfies Tier[]))),
  /** Route reasons (`ctx.route`: `tier:big`, `longContext`, `explicit`, `map`…) boosted. Default: none. */
  routes: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  /**
   * The planning model, `provider,model` of a configured provider of any kind (OpenAI-compatible,
   * Anthropic, Gemini, Responses), called without `tools` through the same providers, overrides,
   * breakers and retries as every request.
   */
  planner: ModelRef,
  /**
   * The planner prompt, with `{loop_count}`, `{previous_attempts}`, `{user_request}` and
   * `{tools_text}` placeholders. Default (and when whitespace only): `DEFAULT_TEMPLATE`.
   */
  template: Type.Optional(Type.String()),
  /** Planner calls per request, retries included. Default 3. */
  maxPlannerCalls: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  /**
   * Plan cache: a second identical request within `ttlMs` makes no planner call. Default
   * `{ ttlMs: 60000, maxEntries: 1000 }` in process memory; with `redis` (`redis://…`, default: the
   * config's top-level `redis`) in Redis, shared by every instance using it (bounded by the TTL);
   * `false` turns it off.
   */
  cache: Type.Optional(
    Type.Union([
      Type.Literal(false),
      Options({
        ttlMs: Type.Optional(Type.Integer({ minimum: 1 })),
        maxEntries: Type.Optional(Type.Integer({ minimum: 1 })),
        redis: Type.Optional(RedisUrl),
      }),
    ]),
  ),
});
export type BoostOptions = Static<typeof BoostOptions>;
