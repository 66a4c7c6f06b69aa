import {
  ProxyError,
  asProxyError,
  callUpstream,
  estimateInputTokens,
  Options,
  SseParser,
  Type,
  type Static,
  transportError,
  type MessagesRequest,
  type SseMessage,
  type Plugin,
  type ProxyContext,
  type StreamEvent,
  type UpstreamBody,
  type UpstreamResponse,
  type UpstreamTimeouts,
} from '../../../core/index.ts';
import { statusForErrorCode } from '../shared/errors.ts';
import { readJson } from '../shared/http.ts';
import { trimUrl } from '../../shared/url.ts';
import { foreignKey } from '../shared/credentials.ts';
import { listDataModels } from '../shared/models.ts';
import {
  addProviderSecrets,
  checkProviderOptions,
  providerOptions,
  timeoutsOf,
} from '../shared/options.ts';
import { ToolNames } from '../shared/tool-names.ts';
import { chatHttpError } from './errors.ts';
import { retryWithout } from './fallbacks.ts';
import { toChatRequest, type ChatRequestOptions } from './request.ts';
import { responseToEvents } from './response.ts';
import { endStream, newStreamState, sseToEvents, startMessage } from './stream.ts';
import type { ChatErrorBody, ChatResponse } from './types.ts';
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

/** What `send` needs, computed once at load. */
interface Adapter {
  name: string;
  profile: VendorProfile;
  url: (model: string) => string;
  credential: (ctx: ProxyContext) => Record<string, string>;
  /** Whether `credential` sends the client's own key (`passThroughKey`), which decides a 401's status. */
  sendsClientKey: (ctx: ProxyContext) => boolean;
  headers: Record<string, string>;
  timeouts: UpstreamTimeouts;
  maxTokens?: { max?: number; min?: number };
  /**
   * Per upstream model, the request changes a 400 called for (`retryWithout`): later requests
   * start with them instead of paying the refused round trip again. A cache: losing it costs one
   * retry, so it stays in memory even with several instances.
   */
  learned: Map<string, Partial<ChatRequestOptions>>;
}

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
  const adapter: Adapter = {
    name,
    profile,
    url:
      vendor === 'azure'
        ? azureUrl(baseUrl, o.apiVersion ?? AZURE_API_VERSION)
        : () => `${baseUrl}/chat/completions`,
    credential: credentialOf(profile, o),
    sendsClientKey: o.passThroughKey ? (ctx) => foreignKey(ctx.client) !== undefined : () => false,
    headers: o.headers ?? {},
    timeouts: timeoutsOf(o),
    maxTokens: o.maxTokens,
    learned: new Map(),
  };
  return {
    name,
    setup(app) {
      addProviderSecrets(app, o);
      if (!o.apiKey && CLOUD.has(vendor)) {
        const served = o.passThroughKey
          ? '; until then only clients presenting their own key are served'
          : '';
        app.warnAtStart(
          `provider "${name}": ${baseUrl} needs an API key and none is set; set its apiKey (OPENAI_API_KEY with the environment defaults)${served}`,
        );
      }
      const modelsUrl = modelsUrlOf(baseUrl, vendor);
      app.registerProvider({
        name,
        models: o.models ?? [],
        send: (ctx, request) => send(adapter, ctx, request),
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

/** The provider call: only I/O around the pure converters. */
async function* send(
  adapter: Adapter,
  ctx: ProxyContext,
  request: MessagesRequest,
): AsyncGenerator<StreamEvent> {
  const stream = request.stream === true;
  const names = new ToolNames();
  const options: ChatRequestOptions = {
    model: ctx.target.model,
    profile: adapter.profile,
    stream,
    names,
    maxTokens: adapter.maxTokens,
    ...adapter.learned.get(ctx.target.model),
  };
  const response = await post(adapter, ctx, request, options);
  const state = newStreamState({
    provider: adapter.name,
    model: ctx.requestedModel,
    inputEstimate: () => estimateInputTokens(request),
    names,
    stopSequences: request.stop_sequences ?? [],
  });
  const out: StreamEvent[] = [];
  try {
    // Some servers ignore `stream: true` and answer with one JSON body.
    if (!stream || /json/i.test(String(response.headers['content-type'] ?? ''))) {
      responseToEvents(state, await readResponse(adapter, response), out);
      yield* out;
      return;
    }
    startMessage(state, out);
    yield* out;
    out.length = 0;
    // Upstream SSE → events, as each chunk arrives (B7), in this generator rather than a nested
    // one: one async step per event fewer. A transport failure becomes an `error` event (E9).
    const parser = new SseParser(adapter.name);
    const messages: SseMessage[] = [];
    const chunks = response.body.iterator({ destroyOnReturn: false }); // `release` decides
    try {
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
        parser.feedBytes(next.value, messages);
        for (const message of messages) sseToEvents(state, message, out);
        messages.length = 0;
        yield* out;
        out.length = 0;
        if (state.ended) return;
      }
      parser.end(messages);
      for (const message of messages) sseToEvents(state, message, out);
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      const e = asProxyError(transportError(error, adapter.name));
      out.push({ type: 'error', error: { type: e.type, message: e.message } });
      state.ended = true;
    }
    endStream(state, false, out);
    yield* out;
  } finally {
    release(response.body, state.ended);
    if (state.invalidArguments.length) {
      ctx.log.warn(
        { provider: adapter.name, tools: state.invalidArguments },
        'upstream sent tool arguments that are not JSON',
      );
    }
  }
}

/**
 * A finished answer's last bytes (the chunked terminator, usually) are read so its keep-alive
 * connection goes back to the pool; destroying the body would close the socket and cost an
 * error object with a stack trace per request. An unfinished one is destroyed, aborting it.
 */
function release(body: UpstreamBody, finished: boolean): void {
  if (finished) body.dump().catch(() => undefined);
  else body.destroy();
}

/**
 * Posts the body; on a 400 or 422 that names a parameter this server lacks (`stream_options`, reasoning)
 * or a `max_tokens` above the model's limit, retries once adjusted. Non-2xx → ProxyError.
 */
async function post(
  adapter: Adapter,
  ctx: ProxyContext,
  request: MessagesRequest,
  options: ChatRequestOptions,
) {
  for (let attempt = 0; ; attempt++) {
    const body = toChatRequest(request, options);
    const response = await callUpstream(
      {
        url: adapter.url(body.model),
        headers: {
          'content-type': 'application/json',
          accept: body.stream ? 'text/event-stream' : 'application/json',
          ...adapter.credential(ctx),
          ...adapter.headers,
          ...ctx.upstream.headers,
        },
        body: JSON.stringify(body),
        signal: ctx.signal,
        timeouts: adapter.timeouts,
      },
      adapter.name,
    );
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    const text = await response.body.text().catch(() => '');
    // Validation failures are 400 on most servers, 422 on Mistral and vLLM.
    const retry =
      attempt < 2 && (response.statusCode === 400 || response.statusCode === 422)
        ? retryWithout(text, body, options)
        : null;
    if (retry) {
      ctx.log.warn(
        { provider: adapter.name, change: retry.change },
        'upstream rejected a parameter; retrying without it',
      );
      Object.assign(options, retry.options);
      adapter.learned.set(body.model, { ...adapter.learned.get(body.model), ...retry.options });
      continue;
    }
    throw chatHttpError(
      adapter.name,
      response.statusCode,
      text,
      response.headers,
      adapter.sendsClientKey(ctx),
    );
  }
}

/** A whole JSON answer; a 200 carrying an error body (some gateways) is that error. */
async function readResponse(adapter: Adapter, response: UpstreamResponse): Promise<ChatResponse> {
  const body = (await readJson(response, adapter.name)) as ChatResponse & ChatErrorBody;
  if (!body.choices && (body.error || body.object === 'error')) {
    const code = typeof body.error === 'object' ? (body.error.code ?? body.error.type) : body.code;
    throw chatHttpError(
      adapter.name,
      statusForErrorCode(code),
      JSON.stringify(body),
      response.headers,
    );
  }
  return body;
}
