import type Koa from 'koa';
import {
  isLoopback,
  parseModelRef,
  ProxyContext,
  ProxyError,
  type ClientInfo,
  type MessagesRequest,
  type ProxyApp,
  type Target,
} from '../../core/index.ts';
import type { SharedState } from '../shared/state/index.ts';
import type { BreakerMode, Breakers } from './breaker.ts';
import { explanation, judge, type RuleSet } from './rules.ts';
import type { PromptTokens } from './tokens.ts';

export interface EndpointDeps {
  rules: RuleSet;
  tokens: PromptTokens;
  fallbacksOf: (target: Target) => Target[];
  breakers(): Breakers | null;
  store(): SharedState;
}

/** Each provider's breaker as a caller would meet it now (providers without one are left out). */
export interface BreakerStates {
  states(): Promise<Record<string, BreakerMode>>;
}

declare module '../../core/index.ts' {
  interface ProxyServices {
    /** Provided by the router: read by `/metrics` and the admin API's provider list. */
    breakers: BreakerStates;
  }
}

/** One provider as `GET /health` shows it; the error detail only to a trusted caller. */
export interface ProviderHealth {
  breaker: BreakerMode | 'off';
  lastError?: { message: string; at: string } | null;
  failures?: number;
}

/**
 * The providers' part of `GET /health` (each provider's breaker: degraded while one is open,
 * unavailable while all are) and `POST /api/route/explain` (which rule a request body meets,
 * without calling any upstream).
 */
export function serveEndpoints(app: ProxyApp, deps: EndpointDeps): void {
  app.provide('breakers', {
    async states() {
      const modes: Record<string, BreakerMode> = {};
      for (const name of app.providers.keys()) {
        const { breaker } = await providerHealth(deps, name, false);
        if (breaker !== 'off') modes[name] = breaker;
      }
      return modes;
    },
  });
  app.addHealthCheck('providers', async (detail) => {
    const providers: Record<string, ProviderHealth> = {};
    let open = 0;
    let tripped = 0;
    for (const name of app.providers.keys()) {
      const health = await providerHealth(deps, name, detail).catch(() => null);
      if (!health) return { status: 'degraded', store: `${deps.store().kind} unreachable` };
      if (health.breaker === 'open') open++;
      if (health.breaker === 'open' || health.breaker === 'half-open') tripped++;
      providers[name] = health;
    }
    // Half-open still admits probes: degraded. Every breaker open: nothing can be served.
    const status = open === app.providers.size ? 'unavailable' : tripped > 0 ? 'degraded' : 'ok';
    return { status, store: deps.store().kind, providers };
  });

  const loopbackOnly: Koa.Middleware = (http, next) => {
    // The explanation shows configured targets: for this machine's user (the CLI), not the network.
    if (!isLoopback((http.state.client as ClientInfo).ip))
      throw new ProxyError(
        'permission_error',
        403,
        'Route explanations are served to loopback callers only',
      );
    return next();
  };
  app.http.post('/api/route/explain', loopbackOnly, app.readBody, async (http) => {
    const request = http.request.body as MessagesRequest | undefined;
    if (typeof request?.model !== 'string' || !Array.isArray(request.messages)) {
      throw new ProxyError(
        'invalid_request_error',
        400,
        'Expected a Messages request body with "model" and "messages"',
      );
    }
    const ctx = explainContext(app, http, request);
    const verdicts = await judge(deps.rules, { ctx, tokens: deps.tokens }, true);
    http.body = explanation(verdicts, ctx.target, deps.fallbacksOf);
  });
}

async function providerHealth(
  deps: EndpointDeps,
  name: string,
  detail: boolean,
): Promise<ProviderHealth> {
  const breakers = deps.breakers();
  if (!breakers) return { breaker: 'off' };
  const state = await breakers.state(name);
  // An open breaker past its wait lets the next request probe: that is what a caller will meet.
  const mode =
    state.mode === 'open' && state.since + breakers.openMs <= Date.now() ? 'half-open' : state.mode;
  if (!detail) return { breaker: mode };
  const last = state.lastError && {
    message: state.lastError.message,
    at: new Date(state.lastError.at).toISOString(),
  };
  return { breaker: mode, failures: state.failures, lastError: last };
}

/** A context as the server would build it for this body, for the rules to read. */
function explainContext(app: ProxyApp, http: Koa.Context, request: MessagesRequest): ProxyContext {
  const explicit = parseModelRef(request.model, app.providers);
  return new ProxyContext({
    id: http.state.id as string,
    endpoint: 'messages',
    request,
    client: http.state.client as ClientInfo,
    target: explicit ?? { provider: '', model: request.model },
    route: explicit ? 'explicit' : 'default',
    log: app.log,
    signal: new AbortController().signal,
  });
}
