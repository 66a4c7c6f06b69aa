import type {
  Message,
  MessageAccumulator,
  MessagesRequest,
  Plugin,
  ProxyApp,
} from '../../core/index.ts';
import type { HistoryBody, RequestRow, Storage } from '../../core/storage.ts';
import { Pricer } from './pricing.ts';
import { buildRow, keyIds, type RowContext } from './row.ts';
import { usageRoutes } from './routes.ts';

declare module '../../core/index.ts' {
  interface ProxyState {
    /** The finished request's row, for plugins finishing after `usage` (budgets). */
    usage?: RequestRow;
  }
}

/**
 * Records a row per client request (tokens, cost, route, fallback hops, time to first token) in
 * the `'storage'` service, with the conversation when `history()` kept it, and serves the
 * usage, requests, sessions and statusline routes of the admin API.
 * @example usage()
 */
export function usage(): Plugin {
  let storage: Storage | undefined;
  let app: ProxyApp | undefined;
  let rows: RowContext | undefined;
  return {
    name: 'usage',
    setup(proxy) {
      app = proxy;
      storage = proxy.service('storage');
      if (!storage) throw new Error('needs the storage plugin before it: storage(), or cockpit()');
      rows = {
        pricer: new Pricer(proxy.config.pricing),
        keyIdOf: keyIds(),
        instance: proxy.instance,
      };
      usageRoutes(proxy, storage);
    },
    onFinish(ctx, outcome) {
      if (ctx.endpoint !== 'messages') return;
      const row = buildRow(ctx, outcome, rows!);
      ctx.state.usage = row;
      const answer = ctx.state.history;
      let body: HistoryBody | undefined;
      if (answer) {
        const request = ctx.request;
        body = { messages: request.messages, response: outcome.message ?? answerOf(answer) };
        if (request.system !== undefined) body.system = request.system;
        if (request.tools !== undefined) body.tools = request.tools;
        const received = ctx.received?.request;
        body.params = paramsOf(received ?? request);
        if (
          received?.messages === request.messages &&
          received.system === request.system &&
          received.tools === request.tools
        )
          body.raw = ctx.received!.text;
      }
      storage!.record({ row, body });
      app!.service('events')?.publish('request', row);
    },
  };
}

/** What a request asks besides its conversation: `max_tokens`, `temperature`, `thinking`… */
function paramsOf(request: MessagesRequest): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the fields params leave out
  const { model, messages, system, tools, stream, metadata, ...params } = request;
  return params;
}

/** The answer so far; null when no message started (the request failed before any event). */
function answerOf(accumulator: MessageAccumulator): Message | null {
  try {
    return accumulator.result();
  } catch {
    return null;
  }
}
