import { parseEnv } from 'node:util';
import type { Imported } from './shape.ts';

/** Variables of the Python proxies that ccproxy's environment defaults read as they are. */
const STILL_READ = [
  'LOG_LEVEL',
  'MAX_TOKENS_LIMIT',
  'MIN_TOKENS_LIMIT',
  'REQUEST_TIMEOUT',
  'AZURE_API_VERSION',
  'ENABLE_BOOST_SUPPORT',
];

/**
 * A Python proxy's `.env` (OPENAI_API_KEY, OPENAI_BASE_URL, BIG/MIDDLE/SMALL_MODEL,
 * ANTHROPIC_API_KEY as the client key, HOST, PORT): one OpenAI-compatible provider and the tiers.
 */
export function importPythonEnv(text: string, file: string): Imported {
  const env = parseEnv(text);
  const secrets: Record<string, string> = {};
  if (env.OPENAI_API_KEY) secrets.OPENAI_API_KEY = env.OPENAI_API_KEY;
  if (env.ANTHROPIC_API_KEY) secrets.CCPROXY_API_KEY = env.ANTHROPIC_API_KEY;
  const big = env.BIG_MODEL || 'gpt-4o';
  const dropped = Object.keys(env)
    .filter((name) => STILL_READ.includes(name) || name.startsWith('CUSTOM_HEADER_'))
    .map((name) => `${name}: not in the written config (set it in the config by hand)`);
  const port = Number(env.PORT);
  return {
    spec: {
      providers: [
        {
          factory: 'openai',
          name: 'openai',
          baseUrl: env.OPENAI_BASE_URL || undefined,
          ...(env.OPENAI_API_KEY && { apiKeyEnv: 'OPENAI_API_KEY' }),
        },
      ],
      tiers: {
        big: `openai,${big}`,
        middle: `openai,${env.MIDDLE_MODEL || big}`,
        small: `openai,${env.SMALL_MODEL || 'gpt-4o-mini'}`,
      },
      server: {
        ...(env.HOST && { host: env.HOST }),
        ...(Number.isInteger(port) && port > 0 && { port }),
      },
      cockpit: true,
      notes: [`Imported from the Python proxy's ${file} by ccproxy import env.`],
    },
    secrets,
    dropped,
  };
}
