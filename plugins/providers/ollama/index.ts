import {
  estimateInputTokens,
  Options,
  type DiscoveredModel,
  type Plugin,
  type Static,
  type UpstreamResponse,
} from '../../../core/index.ts';
import { trimUrl } from '../../shared/url.ts';
import { ndjson } from '../shared/framing.ts';
import { getJson } from '../shared/http.ts';
import type { ProviderLoop } from '../shared/loop.ts';
import { registerLoopProvider } from '../shared/register.ts';
import { unexpectedList } from '../shared/models.ts';
import { checkProviderOptions, providerOptions, timeoutsOf } from '../shared/options.ts';
import { ollamaError } from './errors.ts';
import { ollamaRequest, type OllamaRequestOptions } from './request.ts';
import {
  chunkToEvents,
  endStream,
  newState,
  responseToEvents,
  startMessage,
  type OllamaStreamState,
} from './stream.ts';
import type { OllamaChatChunk, OllamaTags } from './types.ts';

/** `ollama()` options: the common provider options (DESIGN §4). */
export const OllamaOptions = Options({
  ...providerOptions,
  /** The provider name model references use (`ollama,qwen3:8b`). Default `ollama`. */
  name: providerOptions.name,
  /** The server, without `/api` (as the ollama library takes it). Default `http://localhost:11434`. */
  baseUrl: providerOptions.baseUrl,
  /** Sent as `Authorization: Bearer` (ollama.com, a proxy in front). Absent: none is sent. */
  apiKey: providerOptions.apiKey,
});
export type OllamaOptions = Static<typeof OllamaOptions>;

/** One answer's converter state and whether the model may be asked to think. */
type OllamaState = OllamaStreamState & { request: OllamaRequestOptions };

/**
 * Ollama's native chat API (`/api/chat`, NDJSON streaming): thinking from `think`, tool calls with
 * object arguments, images as base64, `num_predict` from `max_tokens`; models from `/api/tags`.
 * For Ollama's OpenAI-compatible endpoint use `openai({ baseUrl: 'http://localhost:11434/v1' })`.
 * @example ollama({ name: 'ollama', models: ['qwen3:8b'] })
 */
export function ollama(options: OllamaOptions = {}): Plugin {
  const o = checkProviderOptions('ollama', OllamaOptions, options);
  const name = o.name ?? 'ollama';
  const base = trimUrl(o.baseUrl ?? 'http://localhost:11434');
  const credential: Record<string, string> = o.apiKey
    ? { authorization: `Bearer ${o.apiKey}` }
    : {};
  const toError = (status: number, text: string, headers: UpstreamResponse['headers']) =>
    ollamaError(name, status, text, headers);
  const loop: ProviderLoop<OllamaState, OllamaChatChunk> = {
    provider: name,
    timeouts: timeoutsOf(o),
    headers: o.headers,
    framing: ndjson,
    credential: () => credential,
    newState: (ctx, request) => {
      // Added to the converter's state, not spread into a copy of all its fields (as openai does).
      const state = newState(name, ctx.requestedModel, estimateInputTokens(request)) as OllamaState;
      state.request = { model: ctx.target.model };
      return state;
    },
    buildRequest: (state, _ctx, request) => {
      const body = ollamaRequest(request, state.request);
      return { url: `${base}/api/chat`, body, stream: body.stream };
    },
    toError,
    // Claude Code asks every model to think; a model that cannot is asked again without `think`.
    retry: (state, ctx, { status, text, sent }) => {
      if (status !== 400 || !(sent.body as { think?: boolean }).think) return false;
      if (!/think/i.test(text)) return false;
      ctx.log.warn({ provider: name }, 'the model cannot think; retrying without think');
      state.request.think = false;
      return true;
    },
    startMessage,
    chunkToEvents,
    responseToEvents,
    endStream,
  };
  return {
    name,
    setup(app) {
      registerLoopProvider(app, { name, kind: 'ollama', baseUrl: base, options: o }, loop, {
        listModels: async (signal) =>
          tagModels(
            name,
            await getJson({
              provider: name,
              url: `${base}/api/tags`,
              headers: { ...credential, ...o.headers },
              signal,
              toError,
            }),
          ),
      });
    },
  };
}

/** The local models of a `/api/tags` answer (`{ models: [{ name, model, … }] }`). */
export function tagModels(provider: string, body: unknown): DiscoveredModel[] {
  const models = (body as OllamaTags | null)?.models;
  if (!Array.isArray(models)) throw unexpectedList(provider, body);
  return models.flatMap((m) => {
    const id = m?.model ?? m?.name;
    return typeof id === 'string' && id ? [{ id }] : [];
  });
}
