import { checkOptions, Options, Type, type Plugin, type Static } from '../../core/index.ts';
import {
  backendFromEnv,
  BackendOptions,
  createBackend,
  type SearchBackend,
} from './backends/index.ts';
import { SearchLoop } from './loop.ts';
import { findSearchTool, toFunctionRequest } from './request.ts';

/** `webSearch()` options. */
export const WebSearchOptions = Options({
  /**
   * Where searches go: `{ type: 'tavily' | 'brave' | 'searxng' | 'bocha' | 'exa', apiKey, baseUrl? }`,
   * a provider-native search `{ type: 'gemini' | 'openai-responses' | 'openrouter', apiKey, model? }`,
   * or your own `{ name, search(query) }`. Default: the first of `TAVILY_API_KEY`, `BRAVE_API_KEY`,
   * `EXA_API_KEY`, `BOCHA_API_KEY`, `SEARXNG_URL` set in `env`.
   */
  backend: Type.Optional(
    // Your own backend is an object with `search`; a built-in one is described by options.
    Type.Unsafe<BackendOptions | SearchBackend>({
      type: 'object',
      if: { required: ['search'] },
      then: {},
      else: BackendOptions,
    }),
  ),
  /** Where the default backend is read from. Default: `process.env`. */
  env: Type.Optional(Type.Unsafe<NodeJS.ProcessEnv>({ type: 'object' })),
  /** Results per search. Default 5. */
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  /** Searches per request at most: a tool's `max_uses` may lower it, never raise it. Default 5. */
  maxUses: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Deadline of one search, in milliseconds. Default 15000. */
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  /**
   * Providers that serve Anthropic's server tool themselves: requests to them pass untouched.
   * Default `['anthropic']`, the name the native Anthropic adapter is usually given.
   */
  skipProviders: Type.Optional(Type.Array(Type.String())),
  /** Turn the model's `[n]` source markers into citations. Default true. */
  citations: Type.Optional(Type.Boolean()),
});
export type WebSearchOptions = Static<typeof WebSearchOptions>;

declare module '../../core/index.ts' {
  interface ProxyState {
    /** Set once a search ran: the backend and the searches billed, for usage and history. */
    'web-search'?: { backend: string; requests: number };
  }
}

/**
 * Serves Anthropic's `web_search` server tool (Claude Code's WebSearch) on providers that lack
 * it: the model gets a `web_search` function, ccproxy runs the searches on a configured backend
 * and answers with `server_tool_use`, `web_search_tool_result` and cited text (PROTOCOL §5.7).
 * @example webSearch({ backend: { type: 'tavily', apiKey: process.env.TAVILY_API_KEY } })
 * @example webSearch() // the backend from TAVILY_API_KEY, BRAVE_API_KEY, …, SEARXNG_URL
 */
export function webSearch(options: WebSearchOptions = {}): Plugin {
  checkOptions('web-search', WebSearchOptions, options);
  const chosen = options.backend ?? backendFromEnv(options.env ?? process.env);
  const backend = createBackend(chosen, options.timeoutMs ?? 15_000);
  const skip = new Set(options.skipProviders ?? ['anthropic']);
  const maxResults = options.maxResults ?? 5;
  const ceiling = options.maxUses ?? 5;
  const citations = options.citations ?? true;

  return {
    name: 'web-search',
    setup(app) {
      if (!('search' in chosen)) app.addSecret(chosen.apiKey);
    },
    wrapStream(ctx, next) {
      if (skip.has(ctx.target.provider)) return next();
      const tool = findSearchTool(ctx.request);
      if (!tool) return next();
      // The config's figure is a ceiling: a client's max_uses could otherwise buy any number of
      // searches and model calls with the team's keys.
      const maxUses = Math.min(tool.maxUses ?? ceiling, ceiling);
      const loop = new SearchLoop(ctx, next, { backend, tool, maxUses, maxResults, citations });
      return loop.run(toFunctionRequest(ctx.request));
    },
  };
}

export {
  SearchError,
  type BackendOptions,
  type SearchBackend,
  type SearchHit,
  type SearchQuery,
} from './backends/index.ts';
