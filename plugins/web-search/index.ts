import { checkOptions, type Plugin } from '../../core/index.ts';
import {
  backendFromEnv,
  backendSchema,
  createBackend,
  type BackendOptions,
  type SearchBackend,
} from './backends/index.ts';
import { SearchLoop } from './loop.ts';
import { findSearchTool, toFunctionRequest } from './request.ts';

export interface WebSearchOptions {
  /**
   * Where searches go: `{ type: 'tavily' | 'brave' | 'searxng' | 'bocha' | 'exa', apiKey, baseUrl? }`,
   * a provider-native search `{ type: 'gemini' | 'openai-responses' | 'openrouter', apiKey, model? }`,
   * or your own `{ name, search(query) }`. Default: the first of `TAVILY_API_KEY`, `BRAVE_API_KEY`,
   * `EXA_API_KEY`, `BOCHA_API_KEY`, `SEARXNG_URL` set in `env`.
   */
  backend?: BackendOptions | SearchBackend;
  /** Where the default backend is read from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Results per search. Default 5. */
  maxResults?: number;
  /** Searches per request at most: a tool's `max_uses` may lower it, never raise it. Default 5. */
  maxUses?: number;
  /** Deadline of one search, in milliseconds. Default 15000. */
  timeoutMs?: number;
  /**
   * Providers that serve Anthropic's server tool themselves: requests to them pass untouched.
   * Default `['anthropic']`, the name the native Anthropic adapter is usually given.
   */
  skipProviders?: string[];
  /** Turn the model's `[n]` source markers into citations. Default true. */
  citations?: boolean;
}

declare module '../../core/index.ts' {
  interface ProxyState {
    /** Set once a search ran: the backend and the searches billed, for usage and history. */
    'web-search'?: { backend: string; requests: number };
  }
}

const count = { type: 'integer', minimum: 1 };
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // Your own backend is an object with `search`; a built-in one is described by options.
    backend: { type: 'object', if: { required: ['search'] }, then: {}, else: backendSchema },
    env: { type: 'object' },
    maxResults: { ...count, maximum: 50 },
    maxUses: count,
    timeoutMs: count,
    skipProviders: { type: 'array', items: { type: 'string' } },
    citations: { type: 'boolean' },
  },
};

/**
 * Serves Anthropic's `web_search` server tool (Claude Code's WebSearch) on providers that lack
 * it: the model gets a `web_search` function, ccproxy runs the searches on a configured backend
 * and answers with `server_tool_use`, `web_search_tool_result` and cited text (PROTOCOL §5.7).
 * @example webSearch({ backend: { type: 'tavily', apiKey: process.env.TAVILY_API_KEY } })
 * @example webSearch() // the backend from TAVILY_API_KEY, BRAVE_API_KEY, …, SEARXNG_URL
 */
export function webSearch(options: WebSearchOptions = {}): Plugin {
  checkOptions('web-search', schema, options);
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
