import {
  HeaderMap,
  HttpUrl,
  Options,
  ProxyError,
  Type,
  callUpstream,
  type ProxyContext,
  type Static,
} from '../../core/index.ts';
import { chatHttpError } from '../providers/openai/errors.ts';
import { trimUrl } from '../shared/url.ts';

/** The planner: an OpenAI-compatible chat-completions endpoint, called without `tools`. */
export const PlannerOptions = Options({
  /** With the version, as openai-node takes it: `https://api.openai.com/v1`. */
  baseUrl: HttpUrl,
  /** Sent as `Authorization: Bearer`. */
  apiKey: Type.String({ minLength: 1 }),
  /** Default `gpt-4o`. */
  model: Type.Optional(Type.String({ minLength: 1 })),
  /** Extra headers for the planner only; the request's custom headers and overrides apply over them. */
  headers: Type.Optional(HeaderMap),
  /**
   * Per planner call, until the reply is complete. Default 90 s: three calls stay under the
   * ≈300 s Claude Code waits for a first byte.
   */
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
});
export type PlannerOptions = Static<typeof PlannerOptions>;

/** Planner settings with their defaults filled in. */
export type ResolvedPlanner = Required<PlannerOptions>;

/** Tokens one or several planner calls used. */
export interface PlannerUsage {
  input_tokens: number;
  output_tokens: number;
}

/** A planner call's result: its text, or why there is none and whether another call may help. */
export type PlannerReply =
  | { ok: true; text: string; usage: PlannerUsage }
  | { ok: false; reason: string; unreachable: boolean };

interface ChatCompletion {
  choices?: { message?: { content?: unknown } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number };
}

/**
 * One non-streaming planner call. Expected failures (HTTP errors, timeouts, replies without text)
 * come back as a reply the loop can retry; only a client disconnect throws.
 */
export async function callPlanner(
  ctx: ProxyContext,
  planner: ResolvedPlanner,
  prompt: string,
): Promise<PlannerReply> {
  const timeout = planner.timeoutMs;
  let response: Awaited<ReturnType<typeof callUpstream>>;
  let text: string;
  try {
    response = await callUpstream(
      {
        url: `${trimUrl(planner.baseUrl)}/chat/completions`,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${planner.apiKey}`,
          ...planner.headers,
          ...ctx.upstream.headers,
        },
        body: JSON.stringify({
          model: planner.model,
          messages: [{ role: 'user', content: prompt }],
        }),
        signal: ctx.signal,
        timeouts: { firstByteMs: timeout, idleMs: timeout },
      },
      'boost planner',
    );
    text = await response.body.text();
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const e = ProxyError.is(error) ? error : null;
    return { ok: false, reason: e?.message ?? String(error), unreachable: e?.type === 'api_error' };
  }
  if (response.statusCode >= 300) {
    const error = chatHttpError('boost planner', response.statusCode, text, response.headers);
    return { ok: false, reason: `${response.statusCode} ${error.message}`, unreachable: false };
  }
  return readCompletion(text);
}

/** The reply text and usage of a chat completion body; anything else is a bad shape. */
export function readCompletion(body: string): PlannerReply {
  let completion: ChatCompletion;
  try {
    completion = JSON.parse(body) as ChatCompletion;
  } catch {
    return { ok: false, reason: `not JSON: ${body.slice(0, 100)}`, unreachable: false };
  }
  const content = completion.choices?.[0]?.message?.content;
  // Some servers answer with content parts instead of a string.
  const text = Array.isArray(content)
    ? content
        .map((part: { text?: unknown }) => (typeof part.text === 'string' ? part.text : ''))
        .join('')
    : content;
  if (typeof text !== 'string' || !text.trim()) {
    return { ok: false, reason: 'reply without text', unreachable: false };
  }
  const usage = completion.usage ?? {};
  return {
    ok: true,
    text,
    usage: { input_tokens: usage.prompt_tokens ?? 0, output_tokens: usage.completion_tokens ?? 0 },
  };
}
