import {
  ConfigError,
  MessageAccumulator,
  ProxyError,
  asProxyError,
  errorFromEvent,
  toTarget,
  type MessagesRequest,
  type Next,
  type ProxyContext,
  type Target,
} from '../../core/index.ts';

/** Tokens one or several planner calls used. */
export interface PlannerUsage {
  input_tokens: number;
  output_tokens: number;
}

/** A planner call's result: its text, or why there is none and whether another call may help. */
export type PlannerReply =
  | { ok: true; text: string; usage: PlannerUsage }
  | { ok: false; reason: string; unreachable: boolean };

/**
 * The planner's target from `options.planner`. A bare model name would go to whichever provider
 * lists it, which for a planner is a guess: the provider is named.
 */
export function plannerTarget(ref: string): Target {
  const target = toTarget(ref);
  if (!target.provider || !target.model) {
    throw new ConfigError(
      `plugins (boost): options.planner: expected "provider,model" naming a configured provider, got ${JSON.stringify(ref)}`,
    );
  }
  return target;
}

/**
 * One planner call: the prompt as a user turn, without tools, sent through the rest of the chain
 * with `ctx.target` set to the planner, as the router calls a fallback, so the planner's provider
 * does the wire format, its vendor quirks and error mapping, and overrides, breakers and retries
 * apply to it. Expected failures come back as a reply the loop can retry; only a client
 * disconnect throws.
 */
export async function callPlanner(
  ctx: ProxyContext,
  next: Next,
  planner: Target,
  prompt: string,
): Promise<PlannerReply> {
  const request: MessagesRequest = {
    model: `${planner.provider},${planner.model}`,
    // A SUMMARY is the client's answer: as long as the client allowed it to be.
    max_tokens: ctx.request.max_tokens,
    messages: [{ role: 'user', content: prompt }],
  };
  const saved = { target: ctx.target, route: ctx.route };
  ctx.target = { ...planner };
  const answer = new MessageAccumulator();
  try {
    for await (const event of next(request)) {
      if (event.type === 'error') throw errorFromEvent(event);
      answer.push(event);
    }
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const e = asProxyError(error);
    return { ok: false, reason: `${e.status} ${e.message}`, unreachable: isUnreachable(e) };
  } finally {
    ctx.target = saved.target;
    ctx.route = saved.route;
  }
  const message = answer.result();
  const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  if (!text.trim()) return { ok: false, reason: 'reply without text', unreachable: false };
  const { input_tokens, output_tokens } = message.usage;
  return { ok: true, text, usage: { input_tokens, output_tokens } };
}

/**
 * The upstream could not be reached at all (refused, unknown host): another call now would fail
 * the same way. An HTTP error or a timeout may pass, and is retried.
 */
function isUnreachable(error: ProxyError): boolean {
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return error.type === 'api_error' && typeof code === 'string';
}
