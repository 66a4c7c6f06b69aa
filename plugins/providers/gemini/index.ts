import {
  estimateInputTokens,
  Options,
  Type,
  type CountTokensRequest,
  type Static,
  type Plugin,
  type ProxyContext,
} from '../../../core/index.ts';
import { trimUrl } from '../../shared/url.ts';
import { sseJson } from '../shared/framing.ts';
import { getJson, postJson, readJson } from '../shared/http.ts';
import type { ProviderLoop } from '../shared/loop.ts';
import { registerLoopProvider } from '../shared/register.ts';
import { checkProviderOptions, providerOptions, timeoutsOf } from '../shared/options.ts';
import { geminiErrorFromBody } from './errors.ts';
import { geminiModels } from './models.ts';
import { geminiRequest } from './request.ts';
import {
  chunkToEvents,
  endStream,
  newState,
  responseToEvents,
  startMessage,
  type GeminiStreamState,
} from './stream.ts';
import type { GenerateContentResponse } from './types.ts';

/** `gemini()` options: the common provider options (DESIGN §4) and this adapter's own. */
export const GeminiOptions = Options({
  ...providerOptions,
  /**
   * Default `https://generativelanguage.googleapis.com`. A Vertex AI base URL ending in
   * `/projects/{p}/locations/{l}/publishers/google` is used as is (no `apiVersion`); give its
   * OAuth token as `headers: { authorization: 'Bearer …' }` or an express-mode `apiKey`.
   */
  baseUrl: providerOptions.baseUrl,
  /** The Gemini API version in the path. Default `v1beta`. */
  apiVersion: Type.Optional(Type.String({ pattern: '^v[0-9a-z]+$' })),
});
export type GeminiOptions = Static<typeof GeminiOptions>;

/**
 * Google Gemini (PROTOCOL §8): the Gemini API (`x-goog-api-key`, `streamGenerateContent?alt=sse`)
 * or a Vertex AI base URL. Tool schemas are reduced to Gemini's subset, thought signatures ride in
 * thinking blocks across Claude Code's history.
 * @example gemini({ name: 'gemini', apiKey: process.env.GEMINI_API_KEY, models: ['gemini-2.5-pro'] })
 */
export function gemini(options: GeminiOptions = {}): Plugin {
  const o = checkProviderOptions('gemini', GeminiOptions, options);
  const name = o.name ?? 'gemini';
  const base = trimUrl(o.baseUrl ?? 'https://generativelanguage.googleapis.com');
  const vertex = /\/projects\/[^/]+\/locations\//.test(base);
  const root = vertex ? base : `${base}/${o.apiVersion ?? 'v1beta'}`;
  const url = (model: string, method: string) =>
    `${root}/models/${encodeURIComponent(model)}:${method}`;
  const timeouts = timeoutsOf(o);
  const credential: Record<string, string> = o.apiKey ? { 'x-goog-api-key': o.apiKey } : {};
  const toError = (status: number, text: string) => geminiErrorFromBody(name, status, text);
  const post = (ctx: ProxyContext, target: string, body: unknown) =>
    postJson(ctx, {
      provider: name,
      url: target,
      credential,
      headers: o.headers,
      body,
      timeouts,
      toError,
    });

  const loop: ProviderLoop<GeminiStreamState, GenerateContentResponse> = {
    provider: name,
    timeouts,
    headers: o.headers,
    framing: sseJson,
    credential: () => credential,
    newState: (ctx, request) => newState(name, ctx.requestedModel, estimateInputTokens(request)),
    buildRequest: (_state, ctx, request) => {
      const model = ctx.target.model;
      const stream = request.stream === true;
      const method = stream ? 'streamGenerateContent?alt=sse' : 'generateContent';
      return { url: url(model, method), body: geminiRequest(request, model), stream };
    },
    toError,
    startMessage,
    chunkToEvents,
    responseToEvents,
    endStream,
  };

  async function countTokens(ctx: ProxyContext, request: CountTokensRequest): Promise<number> {
    const model = ctx.target.model;
    const { contents, systemInstruction, tools } = geminiRequest(
      { ...request, max_tokens: 0 },
      model,
    );
    // The Gemini API counts system and tools only inside a full generateContent request; Vertex takes them flat.
    const body = vertex
      ? { contents, systemInstruction, tools }
      : {
          generateContentRequest: { model: `models/${model}`, contents, systemInstruction, tools },
        };
    const response = await post(ctx, url(model, 'countTokens'), body);
    const { totalTokens } = (await readJson(response, name)) as { totalTokens?: number };
    return totalTokens && totalTokens > 0 ? totalTokens : estimateInputTokens(request);
  }

  return {
    name,
    setup(app) {
      registerLoopProvider(app, { name, kind: 'gemini', baseUrl: base, options: o }, loop, {
        countTokens,
        // Vertex lists publisher models elsewhere, without the generation methods to filter by.
        ...(!vertex && {
          listModels: async (signal: AbortSignal) =>
            geminiModels(
              name,
              await getJson({
                provider: name,
                url: `${root}/models?pageSize=1000`,
                headers: { ...credential, ...o.headers },
                signal,
                toError,
              }),
            ),
        }),
      });
    },
  };
}
