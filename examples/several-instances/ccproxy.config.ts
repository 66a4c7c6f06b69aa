// One instance of a team deployment (compose.yaml): every instance runs this same file, and the
// environment says where the shared PostgreSQL and Redis are and which instance this is.
//   DATABASE_URL=postgres://… REDIS_URL=redis://… CCPROXY_INSTANCE_ID=ccproxy-1 \
//   npx ccproxy --config examples/several-instances/ccproxy.config.ts
import { defineConfig } from 'ccproxy';
import { auth, cockpit, modelMap, openai, router } from 'ccproxy/plugins';

export default defineConfig(({ env }) => ({
  server: {
    host: '0.0.0.0',
    // The balancer's network: X-Forwarded-For from it names the client (rate limits, logs).
    trustProxy: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'],
  },
  // Usage, history, budgets, switches and runtime providers: one view for every instance.
  storage: env.DATABASE_URL,
  // Breakers, rate limits and the change channel between instances.
  redis: env.REDIS_URL,
  budgets: { day: 200 },
  plugins: [
    auth({ keys: [env.CCPROXY_API_KEY] }),
    openai({ name: 'openai', apiKey: env.OPENAI_API_KEY }),
    modelMap({ big: 'openai,gpt-4o', middle: 'openai,gpt-4o', small: 'openai,gpt-4o-mini' }),
    // Limits counted once for the whole team, in Redis.
    router({ rateLimits: { providers: { openai: { requestsPerMinute: 500 } } } }),
    // With live() and cluster(): a switch made through one instance applies on all within a second.
    cockpit(),
  ],
}));
