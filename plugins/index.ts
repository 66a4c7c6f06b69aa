/**
 * Every built-in plugin factory: `import { … } from 'ccproxy/plugins'`.
 * @module ccproxy/plugins
 */
export { auth, type AuthOptions } from './auth/index.ts';
export { customHeaders, type CustomHeadersOptions } from './custom-headers/index.ts';
export { overrides, type OverridesOptions, type Preset } from './overrides/index.ts';
export { modelMap, tierOf, type ModelMapOptions, type Tier } from './model-map/index.ts';
export {
  router,
  type BreakerOptions,
  type CustomRoute,
  type RateLimitOptions,
  type RetryOptions,
  type RouteOption,
  type RouterOptions,
  type TimeoutOptions,
} from './router/index.ts';
export { boost, type BoostOptions } from './boost/index.ts';
export {
  webSearch,
  SearchError,
  type WebSearchOptions,
  type BackendOptions,
  type SearchBackend,
  type SearchHit,
  type SearchQuery,
} from './web-search/index.ts';
export { admin, adminGuard, type AdminGuard, type AdminOptions } from './admin/index.ts';
export { cockpit, type CockpitOptions } from './cockpit/index.ts';
export { storage } from './storage/index.ts';
export { usage } from './usage/index.ts';
export { history } from './history/index.ts';
export { budgets, type BudgetLeft, type Budgets } from './budgets/index.ts';
export { envPreset } from './env/index.ts';
export { boostFromEnv } from './env/boost.ts';
export { ui, type UiOptions } from './ui/index.ts';
export { live } from './live/index.ts';
export { cluster, type ClusterOptions } from './cluster/index.ts';
export { openai, type OpenAIOptions } from './providers/openai/index.ts';
export { anthropic, type AnthropicOptions } from './providers/anthropic/index.ts';
export { gemini, type GeminiOptions } from './providers/gemini/index.ts';
export {
  openaiResponses,
  type OpenAIResponsesOptions,
} from './providers/openai-responses/index.ts';
export { ollama, type OllamaOptions } from './providers/ollama/index.ts';
export { metrics, type MetricsOptions } from './metrics/index.ts';
export { tracing, type TracingOptions } from './tracing/index.ts';
