import {
  ProxyError,
  estimateInputTokens,
  Options,
  Type,
  type Static,
  type SseMessage,
  type Plugin,
  type ProxyContext,
} from '../../../core/index.ts';
import { trimUrl } from '../../shared/url.ts';
import { foreignKey } from '../shared/credentials.ts';
import { sseMessages } from '../shared/framing.ts';
import type { ProviderLoop } from '../shared/loop.ts';
import { registerLoopProvider } from '../shared/register.ts';
import { listDataModels } from '../shared/models.ts';
import { checkProviderOptions, providerOptions, timeoutsOf } from '../shared/options.ts';
import { ToolNames } from '../shared/tool-names.ts';
import { chatHttpError } from './errors.ts';
import { retryWithout } from './fallbacks.ts';
import { toChatRequest, type ChatRequestOptions } from './request.ts';
import { responseToEvents } from './response.ts';
import { endStream, newState, sseToEvents, startMessage, type StreamState } from './stream.ts';
import type { ChatRequest, ChatResponse } from './types.ts';
import { VENDORS, detectVendor, type Vendor, type VendorProfile } from './vendors.ts';

export type { Vendor } from './vendors.ts';

/** `openai()` options: the common provider options (DESIGN §4) and this adapter's own. */
export const OpenAIOptions = Options({
  ...providerOptions,
  /** The provider name model references use (`openai,gpt-4o`). Default `openai`. */
  name: providerOptions.name,
  /** With the version, as openai-node takes it. Default `https://api.openai.com/v1`. */
  baseUrl: providerOptions.baseUrl,
  /** Sent as `Authorization: Bearer` (Azure: `api-key`). Absent: no credential is sent. */
  apiKey: providerOptions.apiKey,
  /**
   * Forward the client's own key instead of `apiKey` (the Python proxies' "dynamic mode"), except
   * an Anthropic credential (`sk-ant-…`, an OAuth token) or the client key auth verified: those
   * are never sent. Default false: client credentials never reach a non-Anthropic upstream
   * otherwise (PROTOCOL §5.3).
   */
  passThroughKey: Type.Optional(Type.Boolean()),
  /** The server's quirks profile. Default: from `baseUrl` (`azure` when `apiVersion` is set). */
  vendor: Type.Optional(Type.Enum(Object.keys(VENDORS) as Vendor[])),
  /** Azure `api-version`; setting it implies vendor `azure`. Default `2024-10-21` on Azure. */
  apiVersion: Type.Optional(Type.String({ minLength: 1 })),
  /** Clamp of `max_tokens` (`MAX_TOKENS_LIMIT` / `MIN_TOKENS_LIMIT`). Default: none. */
  maxTokens: Type.Optional(
    Options({
      max: Type.Optional(Type.Integer({ minimum: 1 })),
      min: Type.Optional(Type.Integer({ minimum: 1 })),
    }),
  ),
});
export type OpenAIOptions = Static<typeof OpenAIOptions>;

const AZURE_API_VERSION = '2024-10-21';

/** One answer's converter state and the options its request was built with. */
type ChatState = StreamState & { options: ChatRequestOptions };

/**
 * Any OpenAI Chat Completions server: OpenAI, Azure, DeepSeek, OpenRouter, Groq, Ollama, vLLM,
 * Mistral, LM Studio… Vendor quirks come from `vendors.ts`, chosen by `baseUrl` or `vendor`.
 * @example openai({ baseUrl: 'http://localhost:11434/v1', models: ['qwen3:8b'] })
 */
export function openai(options: OpenAIOptions = {}): Plugin {
  const o = checkProviderOptions('openai', OpenAIOptions, options);
  const name = o.name ?? 'openai';
  const baseUrl = trimUrl(o.baseUrl ?? 'https://api.openai.com/v1');
  const vendor = o.vendor ?? (o.apiVersion ? 'azure' : detectVendor(baseUrl));
  const profile = VENDORS[vendor];
  const url =
    vendor === 'azure'
      ? azureUrl(baseUrl, o.apiVersion ?? AZURE_API_VERSION)
      : () => `${baseUrl}/chat/completions`;
  const maxTokens = o.maxTokens;
  const sendsClientKey = o.passThroughKey
    ? (ctx: ProxyContext) => foreignKey(ctx.client) !== undefined
    : () => false;
  /**
   * Per upstream model, the request changes a 400 called for (`retryWithout`): later requests
   * start with them instead of paying the refused round trip again. A cache: losing it costs one
   * retry, so it stays in memory even with several instances.
   */
  const learned = new Map<string, Partial<ChatRequestOptions>>();
  const loop: ProviderLoop<ChatState, SseMessage, ChatResponse> = {
    provider: name,
    timeouts: timeoutsOf(o),
    headers: o.headers,
    framing: sseMessages,
    credential: credentialOf(profile, o),
    newState: (ctx, request) => {
      const names = new ToolNames();
      const options: ChatRequestOptions = {
        model: ctx.target.model,
        profile,
        stream: request.stream === true,
        names,
        maxTokens,
        ...learned.get(ctx.target.model),
      };
      const setup = {
        provider: name,
        model: ctx.requestedModel,
        inputEstimate: () => estimateInputTokens(request),
        names,
        stopSequences: request.stop_sequences ?? [],
      };
      // Added to the converter's state, not spread into a copy of its 17 fields (1.2 µs a request).
      const state = newState(setup) as ChatState;
      state.options = options;
      return state;
    },
    buildRequest: (state, _ctx, request) => {
      const body = toChatRequest(request, state.options);
      return { url: url(body.model), body, stream: body.stream === true };
    },
    toError: (status, text, headers, ctx) =>
      chatHttpError(name, status, text, headers, sendsClientKey(ctx)),
    // Validation failures are 400 on most servers, 422 on Mistral and vLLM.
    retry: (state, ctx, { status, text, sent }) => {
      const body = sent.body as ChatRequest;
      const retry =
        status === 400 || status === 422 ? retryWithout(text, body, state.options) : null;
      if (!retry) return false;
      ctx.log.warn(
        { provider: name, change: retry.change },
        'upstream rejected a parameter; retrying without it',
      );
      Object.assign(state.options, retry.options);
      learned.set(body.model, { ...learned.get(body.model), ...retry.options });
      return true;
    },
    startMessage,
    chunkToEvents: sseToEvents,
    responseToEvents,
    endStream,
    report: (state, ctx) => {
      if (!state.invalidArguments.length) return;
      ctx.log.warn(
        { provider: name, tools: state.invalidArguments },
        'upstream sent tool arguments that are not JSON',
      );
    },
  };
  return {
    name,
    setup(app) {
      if (!o.apiKey && CLOUD.has(vendor)) {
        const served = o.passThroughKey
          ? '; until then only clients presenting their own key are served'
          : '';
        app.warnAtStart(
          `provider "${name}": ${baseUrl} needs an API key and none is set; set its apiKey (OPENAI_API_KEY with the environment defaults)${served}`,
        );
      }
      const modelsUrl = modelsUrlOf(baseUrl, vendor);
      registerLoopProvider(app, { name, kind: 'openai', baseUrl, options: o }, loop, {
        ...(modelsUrl && {
          listModels: (signal) =>
            listDataModels({
              provider: name,
              url: modelsUrl,
              headers: { ...(o.apiKey && keyHeader(profile, o.apiKey)), ...o.headers },
              signal,
              toError: (status, text, headers) => chatHttpError(name, status, text, headers),
            }),
        }),
      });
    },
  };
}

/**
 * Azure's URL forms (PROTOCOL §6.1): a deployment URL or the v1 URL as given; a bare resource
 * endpoint gets `/openai/deployments/{model}`, the model being the deployment's name.
 */
function azureUrl(baseUrl: string, apiVersion: string): (model: string) => string {
  if (/\/openai\/v1$/.test(baseUrl)) return () => `${baseUrl}/chat/completions`;
  const query = `?api-version=${encodeURIComponent(apiVersion)}`;
  if (baseUrl.includes('/openai/deployments/')) return () => `${baseUrl}/chat/completions${query}`;
  const root = baseUrl.replace(/\/openai$/, '');
  return (model) => `${root}/openai/deployments/${deployment(model)}/chat/completions${query}`;
}

/**
 * A model name as one path segment. `.` and `..` survive encoding and the URL would resolve them
 * to another path on the same host, sent with the same key: refused.
 */
function deployment(model: string): string {
  if (model === '.' || model === '..') {
    throw new ProxyError(
      'invalid_request_error',
      400,
      `"${model}" is not an Azure deployment name`,
    );
  }
  return encodeURIComponent(model);
}

/**
 * Where the server lists its models: `{baseUrl}/models`. Azure lists them only on its v1 URL; its
 * deployment URLs have no list of deployments to ask.
 */
function modelsUrlOf(baseUrl: string, vendor: Vendor): string | null {
  if (vendor === 'azure' && !/\/openai\/v1$/.test(baseUrl)) return null;
  return `${baseUrl}/models`;
}

const keyHeader = (profile: VendorProfile, key: string): Record<string, string> =>
  profile.auth === 'api-key' ? { 'api-key': key } : { authorization: `Bearer ${key}` };

function credentialOf(
  profile: VendorProfile,
  options: OpenAIOptions,
): (ctx: ProxyContext) => Record<string, string> {
  if (options.passThroughKey)
    return (ctx) => {
      const key = foreignKey(ctx.client);
      return key ? keyHeader(profile, key) : {};
    };
  const fixed = options.apiKey ? keyHeader(profile, options.apiKey) : {};
  return () => fixed;
}

/** Vendors that always need a key: reaching them without one fails every request. */
const CLOUD: ReadonlySet<Vendor> = new Set([
  'openai',
  'azure',
  'deepseek',
  'openrouter',
  'groq',
  'mistral',
]);
