import pino from 'pino';
import { ProxyContext, type ContextInit } from '../../core/context.ts';

/** A request context outside a server, for a unit test: a silent logger, `init` overriding. */
export const testContext = (init: Partial<ContextInit> = {}): ProxyContext =>
  new ProxyContext({
    id: 'req_test',
    endpoint: 'messages',
    request: { model: 'm', max_tokens: 1, messages: [] },
    client: { ip: '127.0.0.1', key: undefined, headers: {} },
    target: { provider: 'a', model: 'm' },
    route: 'default',
    log: pino({ level: 'silent' }),
    ...init,
  });
