import { ConfigError, HeaderMap, HttpUrl, Type, type Static } from '../../../core/index.ts';
import { bocha } from './bocha.ts';
import { brave } from './brave.ts';
import { exa } from './exa.ts';
import { httpBackend, type BackendWire } from './http.ts';
import { gemini } from './native/gemini.ts';
import { openaiResponses } from './native/openai-responses.ts';
import { openrouter } from './native/openrouter.ts';
import { searxng } from './searxng.ts';
import { tavily } from './tavily.ts';
import type { SearchBackend } from './types.ts';

const WIRES = {
  tavily,
  brave,
  searxng,
  bocha,
  exa,
  gemini,
  'openai-responses': openaiResponses,
  openrouter,
} satisfies Record<string, BackendWire>;

/** A built-in backend: a search API, or a provider whose model searches itself (native). */
export type BackendType = keyof typeof WIRES;

/** A built-in backend, chosen by `type`. */
export const BackendOptions = Type.Object(
  {
    type: Type.Enum(Object.keys(WIRES) as BackendType[]),
    /** The backend's key; required by all but `searxng`. Never logged. */
    apiKey: Type.Optional(Type.String()),
    /** Default: the vendor's API (`searxng`: required, your instance's URL). */
    baseUrl: Type.Optional(HttpUrl),
    /** Extra request headers. */
    headers: Type.Optional(HeaderMap),
    /**
     * Native backends' model. Defaults: `gemini-2.5-flash` (gemini), `gpt-4.1-mini`
     * (openai-responses), `openai/gpt-4o-mini` (openrouter).
     */
    model: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
export type BackendOptions = Static<typeof BackendOptions>;

/** The variables `webSearch()` reads when no backend is given, in order of preference. */
const FROM_ENV: readonly [string, BackendType, 'apiKey' | 'baseUrl'][] = [
  ['TAVILY_API_KEY', 'tavily', 'apiKey'],
  ['BRAVE_API_KEY', 'brave', 'apiKey'],
  ['EXA_API_KEY', 'exa', 'apiKey'],
  ['BOCHA_API_KEY', 'bocha', 'apiKey'],
  ['SEARXNG_URL', 'searxng', 'baseUrl'],
];

/** The first backend the environment configures, or a ConfigError naming the variables. */
export function backendFromEnv(env: NodeJS.ProcessEnv): BackendOptions {
  for (const [variable, type, option] of FROM_ENV) {
    const value = env[variable];
    if (value) return { type, [option]: value };
  }
  const names = FROM_ENV.map(([variable]) => variable).join(', ');
  throw new ConfigError(
    `plugins (web-search): options.backend: missing, and none of ${names} is set`,
  );
}

/** A backend object (`{ name, search }`) as given, or the built-in one the options describe. */
export function createBackend(
  options: BackendOptions | SearchBackend,
  timeoutMs: number,
): SearchBackend {
  if ('search' in options) return options;
  const wire: BackendWire = WIRES[options.type];
  // An empty key usually means an unset environment variable: say so at start, not per search.
  if (wire.needsKey && !options.apiKey) {
    throw new ConfigError(
      `plugins (web-search): options.backend.apiKey: required by ${wire.name} (is its environment variable set?)`,
    );
  }
  const baseUrl = options.baseUrl ?? wire.defaultBaseUrl;
  if (!baseUrl)
    throw new ConfigError(
      `plugins (web-search): options.backend.baseUrl: required by ${wire.name}`,
    );
  return httpBackend(wire, { ...options, baseUrl }, timeoutMs);
}

export {
  SearchError,
  type SearchBackend,
  type SearchHit,
  type SearchQuery,
  type UserLocation,
} from './types.ts';
