// Misspelt options, each written once: tsc must refuse it (`@ts-expect-error` fails the typecheck
// if it compiles) and test/core/options-schema.test.ts runs it and expects the error at `path`,
// so the type and the schema checked at start-up cannot disagree.
import {
  admin,
  anthropic,
  auth,
  boost,
  cockpit,
  customHeaders,
  gemini,
  metrics,
  modelMap,
  openai,
  openaiResponses,
  overrides,
  router,
  tracing,
  ui,
  webSearch,
} from 'ccproxy/plugins';

/** A factory call with a mistake, and the start of the error it must stop with. */
export interface Misspelt {
  make: () => unknown;
  error: string;
}

const planner = 'openai,gpt-4o';

export const misspelt: Misspelt[] = [
  {
    // @ts-expect-error `key` for `keys`
    make: () => auth({ key: ['k'] }),
    error: 'plugins (auth): options: unknown option "key"; did you mean "keys"?',
  },
  {
    // @ts-expect-error `header` for `headers`
    make: () => customHeaders({ header: {} }),
    error: 'plugins (custom-headers): options: unknown option "header"; did you mean "headers"?',
  },
  {
    // @ts-expect-error `bigg` for `big`
    make: () => modelMap({ bigg: 'openai,gpt-4o' }),
    error: 'plugins (model-map): options: unknown option "bigg"; did you mean "big"?',
  },
  {
    // @ts-expect-error `header` in a preset
    make: () => overrides({ providers: { openai: [{ header: {} }] } }),
    error:
      'plugins (overrides): options.providers.openai[0]: unknown option "header"; did you mean "headers"?',
  },
  {
    // @ts-expect-error `atempts` inside `retry`
    make: () => router({ retry: { atempts: 3 } }),
    error: 'plugins (router): options.retry: unknown option "atempts"; did you mean "attempts"?',
  },
  {
    // @ts-expect-error `fallback` in a route
    make: () => router({ routes: { x: { model: 'openai,o3', fallback: [] } } }),
    error:
      'plugins (router): options.routes.x: unknown option "fallback"; did you mean "fallbacks"?',
  },
  {
    // @ts-expect-error `templat` for `template`
    make: () => boost({ tiers: ['big'], planner, templat: '' }),
    error: 'plugins (boost): options: unknown option "templat"; did you mean "template"?',
  },
  {
    // @ts-expect-error `maxResult` for `maxResults`
    make: () => webSearch({ backend: { type: 'tavily', apiKey: 'k' }, maxResult: 3 }),
    error: 'plugins (web-search): options: unknown option "maxResult"; did you mean "maxResults"?',
  },
  {
    // @ts-expect-error `baseURL` for `baseUrl`
    make: () => openai({ baseURL: 'https://api.openai.com/v1' }),
    error: 'plugins (openai): options: unknown option "baseURL"; did you mean "baseUrl"?',
  },
  {
    // @ts-expect-error `max` misspelt inside `maxTokens`
    make: () => openai({ maxTokens: { mx: 10 } }),
    error: 'plugins (openai): options.maxTokens: unknown option "mx"; did you mean "max"?',
  },
  {
    // @ts-expect-error `urls` for `url`
    make: () => anthropic({ urls: 'https://gateway.example/v1/messages' }),
    error: 'plugins (anthropic): options: unknown option "urls"; did you mean "url"?',
  },
  {
    // @ts-expect-error `apiVersions` for `apiVersion`
    make: () => gemini({ apiVersions: 'v1' }),
    error: 'plugins (gemini): options: unknown option "apiVersions"; did you mean "apiVersion"?',
  },
  {
    // @ts-expect-error `reasonning` for `reasoning`
    make: () => openaiResponses({ reasonning: true }),
    error: 'plugins (responses): options: unknown option "reasonning"; did you mean "reasoning"?',
  },
  {
    // @ts-expect-error `key` for `keys`
    make: () => admin({ key: ['k'] }),
    error: 'plugins (admin): options: unknown option "key"; did you mean "keys"?',
  },
  {
    // @ts-expect-error `histroy` for `history`
    make: () => cockpit({ histroy: false }),
    error: 'plugins (cockpit): options: unknown option "histroy"; did you mean "history"?',
  },
  {
    // @ts-expect-error `label` inside the metrics part of the preset
    make: () => cockpit({ metrics: { label: {} } }),
    error: 'plugins (cockpit): options.metrics: unknown option "label"; did you mean "labels"?',
  },
  {
    // @ts-expect-error `processMetric` for `processMetrics`
    make: () => metrics({ processMetric: false }),
    error:
      'plugins (metrics): options: unknown option "processMetric"; did you mean "processMetrics"?',
  },
  {
    // @ts-expect-error `endpoints` for `endpoint`
    make: () => tracing({ endpoints: 'http://127.0.0.1:4318/v1/traces' }),
    error: 'plugins (tracing): options: unknown option "endpoints"; did you mean "endpoint"?',
  },
  {
    // @ts-expect-error `dirs` for `dir`
    make: () => ui({ dirs: 'ui/dist' }),
    error: 'plugins (ui): options: unknown option "dirs"; did you mean "dir"?',
  },
];
