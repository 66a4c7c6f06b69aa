import {
  estimateInputTokens,
  formatTarget,
  type MessagesRequest,
  type Next,
  type ProxyContext,
  type StreamEvent,
  type Target,
  type Usage,
} from '../../core/index.ts';
import { executorRequest, summaryEvents } from './answer.ts';
import { planKey, type CachedPlan, type PlanCache } from './cache.ts';
import { parsePlan } from './parse.ts';
import { callPlanner, type PlannerUsage } from './planner.ts';
import { describeRequest, describeTools, renderPrompt } from './template.ts';

/** The plugin's settings, checked and defaulted once by the factory. */
export interface BoostSettings {
  /** The planning model's provider and model. */
  planner: Target;
  template: string;
  maxPlannerCalls: number;
  cache: PlanCache | null;
  ttlMs: number;
}

/** What boost did for one request: read by usage, cost and history plugins. */
export interface BoostState {
  /** `summary`: the planner answered; `guidance`: the executor did, guided; `direct`: unguided. */
  outcome: 'summary' | 'guidance' | 'direct';
  /** The plan came from the cache: no planner call was made. */
  cached: boolean;
  /** The planner's own tokens, apart from the answer's usage. */
  planner: PlannerUsage & { model: string; calls: number };
  /** Executor tokens spent on answers discarded to plan again (they had no tool call). */
  discarded: PlannerUsage;
}

/** An executor answer held back until it shows whether it calls a tool. */
interface Held {
  events: StreamEvent[];
  /** Set when the answer is still streaming: it called a tool (or failed), so it is the answer. */
  rest: AsyncIterator<StreamEvent> | null;
}

const CLIP = 300;

/**
 * The boost loop: up to `maxPlannerCalls` planner calls. SUMMARY answers; GUIDANCE goes to the
 * executor; anything else, a failed call or an executor answer without a tool call (while another
 * planner call is allowed) is noted in "previous attempts" and planned again. Guidance that
 * repeats earlier guidance is no progress and ends the loop early; an unparseable reply, repeated
 * or not, only uses up one of the calls. With no usable plan, the best executor
 * answer seen is sent, else the request runs unguided on the executor.
 */
export function boosted(
  ctx: ProxyContext,
  next: Next,
  settings: BoostSettings,
): AsyncIterable<StreamEvent> {
  const run = new BoostRun(ctx, next, settings);
  return withPlannerUsage(ctx, run.events(), run.state);
}

class BoostRun {
  readonly state: BoostState;
  private readonly ctx: ProxyContext;
  private readonly next: Next;
  private readonly s: BoostSettings;
  private readonly original: MessagesRequest;
  private readonly key: string;
  /** The latest executor answer without a tool call, sent if nothing better comes. */
  private held: Held | null = null;
  /** What went wrong so far, one line per loop, for the planner's next prompt. */
  private readonly attempts: string[] = [];
  /** Guidance given so far, to notice a planner repeating guidance the executor did not follow. */
  private readonly guidance = new Set<string>();
  /** The request and tools as the planner reads them, built on the first call. */
  private prompt: { userRequest: string; toolsText: string } | undefined;

  constructor(ctx: ProxyContext, next: Next, settings: BoostSettings) {
    this.ctx = ctx;
    this.next = next;
    this.s = settings;
    this.original = ctx.request;
    this.key = settings.cache
      ? planKey(formatTarget(settings.planner), settings.template, ctx.request)
      : '';
    this.state = {
      outcome: 'direct',
      cached: false,
      planner: { model: settings.planner.model, calls: 0, input_tokens: 0, output_tokens: 0 },
      discarded: { input_tokens: 0, output_tokens: 0 },
    };
    ctx.state.boost = this.state;
  }

  async *events(): AsyncGenerator<StreamEvent> {
    const cached = await this.lookUp();
    if (cached) {
      this.state.cached = true;
      {
        yield* this.answer(cached);
        return;
      }
    }
    for (let loop = 1; loop <= this.s.maxPlannerCalls; loop++) {
      const plan = await this.ask(loop);
      if (plan === 'stop') break;
      if (plan === 'retry') continue;
      if (plan.kind === 'summary' || loop === this.s.maxPlannerCalls) {
        yield* this.settle(plan);
        return;
      }
      const run = await holdUntilToolCall(this.next(executorRequest(this.original, plan)));
      if (run.rest) {
        yield* this.settle(plan, run);
        return;
      }
      this.hold(run);
      this.attempts.push(
        `Loop ${loop}: the executor followed the guidance "${clip(plan.guidance)}" but called no tool; ` +
          `it answered: ${clip(textOf(run.events))}`,
      );
    }
    if (!this.held) {
      yield* this.next(this.original);
      return;
    }
    this.state.outcome = 'guidance';
    yield* replay(this.held);
  }

  /** One planner call: a usable plan, `retry`, or `stop` when another call cannot help. */
  private async ask(loop: number): Promise<CachedPlan | 'retry' | 'stop'> {
    this.prompt ??= {
      userRequest: describeRequest(this.original),
      toolsText: describeTools(this.original.tools ?? []),
    };
    const prompt = renderPrompt(this.s.template, {
      loop,
      previousAttempts: this.attempts,
      ...this.prompt,
    });
    const reply = await callPlanner(this.ctx, this.next, this.s.planner, prompt);
    this.state.planner.calls++;
    if (!reply.ok) {
      this.ctx.log.warn({ loop, reason: reply.reason }, 'boost: planner call failed');
      this.attempts.push(`Loop ${loop}: the planner call failed.`);
      return reply.unreachable ? 'stop' : 'retry';
    }
    this.state.planner.input_tokens += reply.usage.input_tokens;
    this.state.planner.output_tokens += reply.usage.output_tokens;
    const plan = parsePlan(reply.text);
    if (plan.kind === 'guidance') {
      // The executor already failed this guidance: running it again cannot help.
      if (this.guidance.has(plan.guidance)) {
        this.ctx.log.info({ loop }, 'boost: the planner repeated its guidance; loop ended');
        return 'stop';
      }
      this.guidance.add(plan.guidance);
    }
    if (plan.kind !== 'other') return plan;
    this.attempts.push(`Loop ${loop}: your reply followed neither format: ${clip(reply.text)}`);
    return 'retry';
  }

  // A cache is an optimisation: when Redis is down, the request is planned as if nothing was cached.
  private async lookUp(): Promise<CachedPlan | undefined> {
    try {
      return await this.s.cache?.get(this.key);
    } catch (error) {
      this.ctx.log.warn({ err: error }, 'boost: plan cache unavailable');
      return undefined;
    }
  }

  /** Caches the plan the answer is made from, then produces that answer. */
  private async *settle(plan: CachedPlan, run?: Held): AsyncGenerator<StreamEvent> {
    await this.s.cache?.set(this.key, plan, this.s.ttlMs).catch((error: unknown) => {
      this.ctx.log.warn({ err: error }, 'boost: plan cache unavailable');
    });
    this.hold(null);
    if (!run) {
      yield* this.answer(plan);
      return;
    }
    this.state.outcome = 'guidance';
    yield* replay(run);
  }

  private answer(plan: CachedPlan): Iterable<StreamEvent> | AsyncIterable<StreamEvent> {
    this.state.outcome = plan.kind;
    if (plan.kind === 'guidance') return this.next(executorRequest(this.original, plan));
    return summaryEvents(plan.summary, this.ctx.requestedModel, estimateInputTokens(this.original));
  }

  /** Keeps `run` as the fallback answer; the one it replaces still cost tokens, counted apart. */
  private hold(run: Held | null): void {
    if (this.held) {
      const usage = usageOf(this.held.events);
      this.state.discarded.input_tokens += usage.input_tokens;
      this.state.discarded.output_tokens += usage.output_tokens;
    }
    this.held = run;
  }
}

/** Reads the executor's answer until its first tool call; a whole answer without one is held. */
async function holdUntilToolCall(source: AsyncIterable<StreamEvent>): Promise<Held> {
  const iterator = source[Symbol.asyncIterator]();
  const events: StreamEvent[] = [];
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
    events.push(r.value);
    const decided =
      r.value.type === 'error' ||
      (r.value.type === 'content_block_start' && r.value.content_block.type === 'tool_use');
    if (decided) return { events, rest: iterator };
  }
  return { events, rest: null };
}

async function* replay(held: Held): AsyncGenerator<StreamEvent> {
  yield* held.events;
  const rest = held.rest;
  if (!rest) return;
  try {
    for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
  } finally {
    // A client that leaves mid-answer ends this generator; the adapter's own cleanup must run too.
    await rest.return?.();
  }
}

/** The final usage of a complete answer: `message_delta` totals over `message_start`'s. */
function usageOf(events: readonly StreamEvent[]): PlannerUsage {
  const total = { input_tokens: 0, output_tokens: 0 };
  for (const event of events) {
    const usage: Partial<Usage> | undefined =
      event.type === 'message_start'
        ? event.message.usage
        : event.type === 'message_delta'
          ? event.usage
          : undefined;
    if (usage?.input_tokens) total.input_tokens = usage.input_tokens;
    if (usage?.output_tokens) total.output_tokens = usage.output_tokens;
  }
  return total;
}

/**
 * Puts the planner's tokens in the final `message_delta.usage` as `planner`, apart from the
 * executor's: they were spent on another model, at another price.
 */
async function* withPlannerUsage(
  ctx: ProxyContext,
  events: AsyncIterable<StreamEvent>,
  state: BoostState,
) {
  for await (const event of events) {
    if (event.type === 'message_delta') {
      event.usage.planner = { ...state.planner, cached: state.cached };
      ctx.log.info({ boost: state }, `boost: ${state.outcome}`);
    }
    yield event;
  }
}

function textOf(events: readonly StreamEvent[]): string {
  let text = '';
  for (const event of events) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
      text += event.delta.text as string;
  }
  return text;
}

const clip = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > CLIP ? `${flat.slice(0, CLIP - 1)}…` : flat;
};
