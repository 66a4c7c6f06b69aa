import {
  estimateInputTokens,
  Options,
  Type,
  type Static,
  type Plugin,
  type ProxyContext,
} from '../../../core/index.ts';
import { sseJson } from '../shared/framing.ts';
import type { ProviderLoop } from '../shared/loop.ts';
import { registerLoopProvider } from '../shared/register.ts';
import { trimUrl } from '../../shared/url.ts';
import { checkProviderOptions, providerOptions, timeoutsOf } from '../shared/options.ts';
import { listDataModels } from '../shared/models.ts';
import { ToolNames } from '../shared/tool-names.ts';
import { responsesHttpError } from './errors.ts';
import { isReasoningModel, responsesRequest } from './request.ts';
import {
  endStream,
  eventToEvents,
  newState,
  responseToEvents,
  startMessage,
  type ResponsesStreamState,
} from './stream.ts';
import type { ResponseObject, ResponsesEvent } from './types.ts';

/** `openaiResponses()` options: the common provider options (DESIGN §4) and this adapter's own. */
export const OpenAIResponsesOptions = Options({
  ...providerOptions,
  /** With the version, as openai-node takes it. Default `https://api.openai.com/v1`. */
  baseUrl: providerOptions.baseUrl,
  /**
   * Whether the models reason (take `reasoning`, replay encrypted reasoning, reject sampling
   * settings). Default: by model name (`o3`, `gpt-5…`, `…codex…` reason; `gpt-4.1` does not).
   */
  reasoning: Type.Optional(Type.Boolean()),
});
export type OpenAIResponsesOptions = Static<typeof OpenAIResponsesOptions>;

/**
 * The OpenAI Responses API (PROTOCOL §9), for models that only speak it (Codex-class): stateless
 * (`store: false`), reasoning replayed through Claude Code's history as encrypted content, one
 * `prompt_cache_key` per Claude Code session.
 * @example openaiResponses({ name: 'responses', apiKey: process.env.OPENAI_API_KEY, models: ['gpt-5-codex'] })
 */
export function openaiResponses(options: OpenAIResponsesOptions = {}): Plugin {
  const o = checkProviderOptions('responses', OpenAIResponsesOptions, options);
  const name = o.name ?? 'responses';
  const base = trimUrl(o.baseUrl ?? 'https://api.openai.com/v1');
  const url = `${base}/responses`;
  const timeouts = timeoutsOf(o);
  const credential: Record<string, string> = o.apiKey
    ? { authorization: `Bearer ${o.apiKey}` }
    : {};
  const toError = (
    status: number,
    text: string,
    headers: Record<string, string | string[] | undefined>,
  ) => responsesHttpError(name, status, text, headers);

  const loop: ProviderLoop<ResponsesStreamState, ResponsesEvent, ResponseObject> = {
    provider: name,
    timeouts,
    headers: o.headers,
    framing: sseJson,
    credential: () => credential,
    newState: (ctx, request) =>
      newState(name, ctx.requestedModel, estimateInputTokens(request), new ToolNames()),
    buildRequest: (state, ctx, request) => {
      const model = ctx.target.model;
      const reasoning = o.reasoning ?? isReasoningModel(model);
      const session = sessionOf(ctx);
      const body = responsesRequest(request, { model, names: state.names, session, reasoning });
      return { url, body, stream: body.stream === true };
    },
    toError,
    startMessage,
    chunkToEvents: eventToEvents,
    responseToEvents,
    endStream,
  };

  return {
    name,
    setup(app) {
      const identity = { name, kind: 'openai-responses', baseUrl: base, options: o };
      registerLoopProvider(app, identity, loop, {
        listModels: (signal) =>
          listDataModels({
            provider: name,
            url: `${base}/models`,
            headers: { ...credential, ...o.headers },
            signal,
            toError,
          }),
      });
    },
  };
}

/**
 * The Claude Code conversation a request belongs to: the `x-claude-code-session-id` header
 * (2.1.86+), else the session in `metadata.user_id` (both of its forms, PROTOCOL §1.2).
 */
export function sessionOf(ctx: ProxyContext): string | undefined {
  const header = ctx.client.headers['x-claude-code-session-id'];
  if (typeof header === 'string' && header) return header;
  const user = ctx.request.metadata?.user_id;
  if (typeof user !== 'string') return undefined;
  if (user.startsWith('{')) {
    try {
      const session = (JSON.parse(user) as { session_id?: unknown }).session_id;
      return typeof session === 'string' ? session : undefined;
    } catch {
      return undefined;
    }
  }
  return /_session_([0-9a-zA-Z-]+)$/.exec(user)?.[1];
}
