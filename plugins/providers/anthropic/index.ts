import type {
  DiscoveredModel,
  Plugin,
  ProxyApp,
  ProxyContext,
  MessagesRequest,
  StreamEvent,
  Message,
} from '../../../core/index.ts';
import { failureFields, HttpUrl, Options, Type, type Static } from '../../../core/index.ts';
import { readJson, readSseJson, requestUpstream } from '../shared/http.ts';
import { trimUrl } from '../../shared/url.ts';
import { listDataModels } from '../shared/models.ts';
import {
  addProviderSecrets,
  checkProviderOptions,
  providerOptions,
  timeoutsOf,
  aboutProvider,
} from '../shared/options.ts';
import { anthropicError } from './errors.ts';
import { relayAnswer, renamedModel } from './relay.ts';
import { anthropicBody, anthropicHeaders } from './request.ts';
import { messageToEvents } from './response.ts';

/** `anthropic()` options: the common provider options (DESIGN §4) and this adapter's own. */
export const AnthropicOptions = Options({
  ...providerOptions,
  /** Default `https://api.anthropic.com` (without `/v1`); any Anthropic-compatible endpoint works. */
  baseUrl: providerOptions.baseUrl,
  /**
   * The full Messages URL, for gateways whose path differs (`count_tokens` is this URL plus
   * `/count_tokens`). Default: `{baseUrl}/v1/messages`.
   */
  url: Type.Optional(HttpUrl),
});
export type AnthropicOptions = Static<typeof AnthropicOptions>;

/** Listing the upstream's models at start must not hold the start up for long. */
const LIST_TIMEOUT_MS = 5000;

/**
 * Native Anthropic, or any Anthropic-compatible endpoint (DeepSeek's, Kimi's, GLM's `/anthropic`):
 * the client's body goes out byte for byte but for the model name, headers and `anthropic-beta`
 * values unfiltered, answers and errors back unchanged (PROTOCOL §F). Without `apiKey` the
 * client's own credential is forwarded (pass-through mode).
 * @example anthropic({ name: 'anthropic', apiKey: process.env.ANTHROPIC_API_KEY })
 */
export function anthropic(options: AnthropicOptions = {}): Plugin {
  const o = checkProviderOptions('anthropic', AnthropicOptions, options);
  const name = o.name ?? 'anthropic';
  const base = trimUrl(o.baseUrl ?? 'https://api.anthropic.com');
  const messagesUrl = o.url ?? `${base}/v1/messages`;
  const countUrl = appendPath(messagesUrl, '/count_tokens');
  const timeouts = timeoutsOf(o);
  const label = `provider "${name}"`;
  const toError = (
    status: number,
    text: string,
    headers: Record<string, string | string[] | undefined>,
  ) => anthropicError(name, status, text, headers);

  const call = (ctx: ProxyContext, url: string, request: MessagesRequest) =>
    requestUpstream(
      {
        url,
        headers: anthropicHeaders(ctx.client, { ...o.headers, ...ctx.upstream.headers }, o.apiKey),
        body: anthropicBody(request, ctx.target.model, ctx.received),
        signal: ctx.abortSource,
        timeouts,
      },
      name,
      toError,
    );

  const listModels = (signal: AbortSignal): Promise<DiscoveredModel[]> =>
    listDataModels({
      provider: name,
      url: `${base}/v1/models?limit=1000`,
      headers: {
        ...(o.apiKey && { 'x-api-key': o.apiKey }),
        'anthropic-version': '2023-06-01',
        ...o.headers,
      },
      signal,
      toError,
    });

  async function* send(ctx: ProxyContext, request: MessagesRequest): AsyncGenerator<StreamEvent> {
    const response = await call(ctx, messagesUrl, request);
    const rename = renamedModel(ctx);
    if (request.stream !== true) {
      const message = (await readJson(response, name)) as Message;
      if (rename !== null) message.model = rename;
      yield* messageToEvents(message);
      return;
    }
    for await (const { data } of readSseJson(response, name)) {
      const event = data as StreamEvent;
      if (rename !== null && event.type === 'message_start') event.message.model = rename;
      yield event;
    }
  }

  return {
    name,
    async setup(app: ProxyApp) {
      addProviderSecrets(app, o);
      const models = o.models ?? (o.apiKey ? await modelsAtStart(app, name, listModels) : []);
      app.registerProvider({
        name,
        about: aboutProvider('anthropic', base, o),
        models,
        send,
        listModels,
        relay: async (ctx, request) =>
          relayAnswer(ctx, await call(ctx, messagesUrl, request), label),
        async countTokens(ctx, request) {
          const response = await call(ctx, countUrl, request as MessagesRequest);
          const body = (await readJson(response, name)) as { input_tokens?: unknown };
          return typeof body.input_tokens === 'number' ? body.input_tokens : 0;
        },
      });
    },
  };
}

/** `url` with `suffix` added to its path, the query kept. */
function appendPath(url: string, suffix: string): string {
  const parsed = new URL(url);
  parsed.pathname = trimUrl(parsed.pathname) + suffix;
  return parsed.toString();
}

/** The upstream's model ids, for `/v1/models`; none if it cannot say quickly. */
async function modelsAtStart(
  app: ProxyApp,
  name: string,
  listModels: (signal: AbortSignal) => Promise<DiscoveredModel[]>,
): Promise<string[]> {
  try {
    return (await listModels(AbortSignal.timeout(LIST_TIMEOUT_MS))).map((model) => model.id);
  } catch (error) {
    // Routine (a key without the models scope, an offline gateway): one line, the stack at debug.
    app.log.warn(
      { ...failureFields(app.log, error), provider: name },
      'could not list the upstream models; set models to list them',
    );
    return [];
  }
}
