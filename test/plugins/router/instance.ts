/**
 * One ccproxy process for the shared-Redis test: a fake provider at UPSTREAM_URL and a router
 * keeping its state in REDIS_URL. Prints `{"url": …}` once listening; stops on SIGTERM.
 */
import pino from 'pino';
import { startProxy } from '../../../core/index.ts';
import { router } from '../../../plugins/index.ts';
import { fakeProvider } from './fake-provider.ts';

const running = await startProxy(
  {
    file: 'instance.ts',
    server: { host: '127.0.0.1', port: 0, allowOpen: false },
    logLevel: 'silent',
    plugins: [
      fakeProvider('a', process.env.UPSTREAM_URL!),
      router({
        default: 'a,one',
        redis: process.env.REDIS_URL!,
        retry: false,
        breaker: { failures: 2 },
        rateLimits: { client: { requestsPerMinute: 3 } },
      }),
    ],
  },
  { logger: pino({ level: 'silent' }) },
);
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`);
process.once('SIGTERM', () => void running.close().then(() => process.exit(0)));
