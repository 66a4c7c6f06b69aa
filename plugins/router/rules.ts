import {
  formatTarget,
  toTarget,
  type ContentBlock,
  type MessagesRequest,
  type ProxyContext,
  type Target,
} from '../../core/index.ts';
import { tierOf } from '../model-map/index.ts';
import type { CustomRoute, RouteOption } from './schema.ts';
import type { PromptSize, PromptTokens } from './tokens.ts';

/** The rules that route by a trait of the request, each an option of the same name. */
export const TRAIT_RULES = [
  'longContext',
  'background',
  'thinking',
  'webSearch',
  'images',
  'default',
] as const;

/** The rule names, in the order they are tried; each is also the `ctx.route` reason it sets. */
export const RULES = ['explicit', 'custom', 'model', ...TRAIT_RULES] as const;
export type RuleName = (typeof RULES)[number];

/** A route ready to use: parsed targets, fallbacks and parameters. */
export interface Route {
  target: Target;
  fallbacks: Target[];
  params: Record<string, unknown> | undefined;
}

/** The configured rules, parsed once at start. */
export interface RuleSet {
  custom?: CustomRoute;
  /** Routes named after the model the client requested (lower case). */
  models: Map<string, Route>;
  longContext?: Route & { threshold: number };
  background?: Route;
  thinking?: Route;
  webSearch?: Route;
  images?: Route;
  default?: Route;
}

/** What one rule said about a request. */
export interface Verdict {
  rule: RuleName;
  matched: boolean;
  /** Why it matched or did not: built only for the explanation, never per request. */
  reason: () => string;
  route?: Route;
}

/** What the rules decide from: the request, and its context for a custom function. */
export interface RuleInput {
  ctx: ProxyContext;
  tokens: PromptTokens;
}

/** Parses `provider,model`; a bare name leaves the provider to the core (the first listing it). */
export function toRoute(option: RouteOption): Route {
  const spec = typeof option === 'string' ? { model: option } : option;
  return {
    target: toTarget(spec.model),
    fallbacks: (spec.fallbacks ?? []).map(toTarget),
    params: spec.params,
  };
}

/**
 * Tries the rules in order. With `all`, every rule is judged (for the explanation); otherwise it
 * stops at the first match. Reads the request only: the caller applies the route.
 */
export function judge(
  rules: RuleSet,
  input: RuleInput,
  all: boolean,
): Verdict[] | Promise<Verdict[]> {
  return judgeFrom(0, [], rules, input, all);
}

/**
 * Synchronous until a rule is asynchronous (a custom function, a token count): most requests are
 * routed without a promise, so the router's `onRequest` does not make every request wait a tick.
 */
function judgeFrom(
  start: number,
  verdicts: Verdict[],
  rules: RuleSet,
  input: RuleInput,
  all: boolean,
): Verdict[] | Promise<Verdict[]> {
  // Whether judging stops here: at the first match, unless every rule is wanted.
  const stops = (verdict: Verdict): boolean => {
    const first = verdict.matched && !verdicts.some((v) => v.matched);
    verdicts.push(verdict);
    return first && !all;
  };
  for (let i = start; i < RULES.length; i++) {
    const verdict = JUDGES[RULES[i]!](rules, input);
    if (verdict instanceof Promise)
      return verdict.then((v) =>
        stops(v) ? verdicts : judgeFrom(i + 1, verdicts, rules, input, all),
      );
    if (stops(verdict)) break;
  }
  return verdicts;
}

type Judge = (rules: RuleSet, input: RuleInput) => Verdict | Promise<Verdict>;

const yes = (rule: RuleName, reason: () => string, route: Route): Verdict => ({
  rule,
  matched: true,
  reason,
  route,
});
const no = (rule: RuleName, reason: () => string): Verdict => ({ rule, matched: false, reason });
const notConfigured = () => 'not configured';
const off = (rule: RuleName): Verdict => no(rule, notConfigured);

/** The long-context rule's verdict on a measured prompt. */
function longContextVerdict(rule: Route & { threshold: number }, size: PromptSize): Verdict {
  const count = size.exact
    ? `${size.tokens} prompt tokens`
    : `~${size.tokens} prompt tokens (estimate)`;
  return size.tokens >= rule.threshold
    ? yes('longContext', () => `${count} ≥ ${rule.threshold}`, rule)
    : no('longContext', () => `${count} < ${rule.threshold}`);
}

const JUDGES: Record<RuleName, Judge> = {
  explicit(_rules, { ctx }) {
    if (ctx.route !== 'explicit')
      return no('explicit', () => `"${ctx.requestedModel}" names no provider`);
    return yes('explicit', () => `"${ctx.requestedModel}" names its provider`, {
      target: ctx.target,
      fallbacks: [],
      params: undefined,
    });
  },
  custom(rules, { ctx }) {
    if (!rules.custom) return off('custom');
    const chosen = (ref: string | undefined): Verdict =>
      ref
        ? yes('custom', () => `the function chose ${ref}`, toRoute(ref))
        : no('custom', () => 'the function returned nothing');
    const ref = rules.custom(ctx.request, ctx);
    return ref instanceof Promise ? ref.then(chosen) : chosen(ref);
  },
  model(rules, { ctx }) {
    const route = rules.models.get(ctx.requestedModel.toLowerCase());
    if (route) return yes('model', () => `a route is named "${ctx.requestedModel}"`, route);
    return no('model', () =>
      rules.models.size ? `no route is named "${ctx.requestedModel}"` : 'not configured',
    );
  },
  longContext(rules, { ctx, tokens }) {
    const rule = rules.longContext;
    if (!rule) return off('longContext');
    const size = tokens.measure(ctx.request, rule.threshold);
    return size instanceof Promise
      ? size.then((known) => longContextVerdict(rule, known))
      : longContextVerdict(rule, size);
  },
  background(rules, { ctx }) {
    if (!rules.background) return off('background');
    const tier = ctx.state['model-map']?.tier ?? tierOf(ctx.requestedModel);
    if (tier === 'small')
      return yes('background', () => `"${ctx.requestedModel}" is haiku-class`, rules.background);
    return no('background', () => `"${ctx.requestedModel}" is not haiku-class`);
  },
  thinking(rules, { ctx }) {
    if (!rules.thinking) return off('thinking');
    const type = ctx.request.thinking?.type;
    if (type === 'enabled' || type === 'adaptive')
      return yes('thinking', () => `thinking is ${type}`, rules.thinking);
    return no('thinking', () => (type ? `thinking is ${type}` : 'no thinking requested'));
  },
  webSearch(rules, { ctx }) {
    if (!rules.webSearch) return off('webSearch');
    const tool = ctx.request.tools?.find((t) => t.type?.startsWith('web_search'));
    if (tool) return yes('webSearch', () => `the ${tool.type} tool is present`, rules.webSearch);
    return no('webSearch', () => 'no web_search tool');
  },
  images(rules, { ctx }) {
    if (!rules.images) return off('images');
    const found = ctx.request.messages.some(
      (m) => typeof m.content !== 'string' && m.content.some(hasImage),
    );
    return found
      ? yes('images', () => 'the messages hold an image', rules.images)
      : no('images', () => 'no image in the messages');
  },
  default(rules) {
    return rules.default
      ? yes('default', () => 'no earlier rule matched', rules.default)
      : off('default');
  },
};

function hasImage(block: ContentBlock): boolean {
  if (block.type === 'image') return true;
  return (
    block.type === 'tool_result' && Array.isArray(block.content) && block.content.some(hasImage)
  );
}

/** Sets the parameters the client did not send; the client's own values always win. */
export function fillParams(
  request: MessagesRequest,
  params: Record<string, unknown> | undefined,
): MessagesRequest {
  if (!params) return request;
  const missing = Object.entries(params).filter(([key]) => request[key] === undefined);
  return missing.length ? { ...request, ...Object.fromEntries(missing) } : request;
}

/** The explanation `POST /api/route/explain` and `ccproxy route --explain` print. */
export interface Explanation {
  rule: RuleName | 'none';
  target: string;
  fallbacks: string[];
  params?: Record<string, unknown>;
  rules: { rule: RuleName; matched: boolean; reason: string }[];
}

export function explanation(
  verdicts: readonly Verdict[],
  current: Target,
  extraFallbacks: (t: Target) => Target[],
): Explanation {
  const winner = verdicts.find((v) => v.matched);
  const route = winner?.route;
  const target = route?.target ?? current;
  const fallbacks = route?.fallbacks.length ? route.fallbacks : extraFallbacks(target);
  return {
    rule: winner?.rule ?? 'none',
    // No rule and no provider named: the model map (or the first provider listing it) decides.
    target: target.provider ? formatTarget(target) : target.model,
    fallbacks: fallbacks.map(formatTarget),
    ...(route?.params && { params: route.params }),
    rules: verdicts.map(({ rule, matched, reason }) => ({ rule, matched, reason: reason() })),
  };
}
