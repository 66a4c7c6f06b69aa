import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.ts';

export interface CliArgs {
  command: string;
  rest: string[];
  config?: string;
  host?: string;
  port?: number;
  allowOpen?: boolean;
  /** `route --explain FILE.json`: the request body to explain. */
  explain?: string;
  help: boolean;
  version: boolean;
}

/** Parses `ccproxy [command] [--config F] [--host H] [--port P] [--allow-open] [--explain F] [--help] [--version]`. */
export function parseCli(argv: readonly string[]): CliArgs {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string', short: 'c' },
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      'allow-open': { type: 'boolean' },
      explain: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`--port: expected an integer from 0 to 65535, got "${values.port}"`);
    }
  }
  return {
    command: positionals[0] ?? 'start',
    rest: positionals.slice(1),
    config: values.config,
    host: values.host,
    port,
    allowOpen: values['allow-open'],
    explain: values.explain,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

export const HELP = `ccproxy: Claude Code (and any Anthropic API client) on any LLM provider

Usage
  ccproxy [start] [options]                 run the proxy in the foreground
  ccproxy route --explain <request.json>    which router rule a Messages request body meets,
                                            where it goes and why (no upstream is called)

Options
  -c, --config <file>   config file (default: ./ccproxy.config.ts, then ~/.ccproxy/ccproxy.config.ts;
                        none found: the environment variables, see README)
      --host <host>     listen address (default 127.0.0.1; env HOST)
  -p, --port <port>     listen port (default 3456; env PORT)
      --allow-open      serve a non-loopback host without a client key
  -h, --help            this help
  -v, --version         the version

Then: ANTHROPIC_BASE_URL=http://127.0.0.1:3456 claude
`;
