import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import type { DoctorFlags } from './commands/doctor.ts';
import type { ExportFlags, ExportFormat } from './commands/export.ts';
import type { ImportFlags, ImportFormat } from './commands/import.ts';
import type { InitFlags } from './commands/init.ts';
import type { LogsFlags } from './commands/logs.ts';
import type { ModelsFlags } from './commands/models.ts';
import type { StartFlags } from './commands/start.ts';
import type { SwitchFlags } from './commands/switch.ts';
import type { Tier } from '../plugins/model-map/index.ts';
import { sinceTime, type UsageFlags } from './commands/usage.ts';
import { withServerFlags, type ServerFlags } from './options.ts';
import { version } from './version.ts';

/**
 * The `ccproxy` command line: every command and its flags, declared here so that `--help` lists
 * them all; each command's code lives in `cli/commands/` and is imported only when it runs.
 */
export function program(): Command {
  const cli = new Command('ccproxy')
    .description('Claude Code (and any Anthropic API client) on any LLM provider')
    .version(version, '-v, --version', 'the version')
    .helpOption('-h, --help', 'this help')
    .helpCommand(false)
    // Options after `code` are Claude Code's, not ours: each command parses only its own.
    .enablePositionalOptions()
    .showHelpAfterError()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(text.replace(/^error: /, 'ccproxy: ')),
    })
    .addHelpText('after', '\nThen: ANTHROPIC_BASE_URL=http://127.0.0.1:3456 claude\n');

  withServerFlags(
    cli
      .command('start')
      .description('run the proxy in the foreground, or in the background with -d')
      .option('-d, --daemon', 'in the background; returns once /health answers'),
  )
    .addOption(new Option('--background <owner>').choices(['start', 'code']).hideHelp())
    .action(async (flags: StartFlags) => (await import('./commands/start.ts')).start(flags));

  withServerFlags(
    cli
      .command('code')
      .description(
        'run Claude Code through ccproxy, starting a background server if none runs; its exit code is passed through',
      )
      .argument('[claude args...]', "Claude Code's arguments (after -- if they clash with ours)")
      .allowUnknownOption()
      .passThroughOptions(),
    false,
  ).action(async (args: string[], flags: ServerFlags) =>
    (await import('./commands/code.ts')).code(args, flags),
  );

  cli
    .command('stop')
    .description('stop the background server; open streams finish first (up to 30 s)')
    .action(async () => (await import('./commands/stop.ts')).stop());

  withServerFlags(
    cli
      .command('restart')
      .description('stop the background server and start it again, with its flags or new ones'),
  ).action(async (flags: ServerFlags) => (await import('./commands/restart.ts')).restart(flags));

  cli
    .command('status')
    .description("the server's pid, URL, uptime, version, providers and today's requests and cost")
    .option('--json', 'as JSON')
    .action(async (flags: { json?: boolean }) =>
      (await import('./commands/status.ts')).status(flags),
    );

  withServerFlags(
    cli
      .command('route')
      .description(
        'route --explain <request.json>: which router rule a Messages request body meets, where it goes and why (no upstream is called)',
      )
      .requiredOption('--explain <file>', 'a JSON Messages request body'),
  ).action(async (flags: ServerFlags & { explain: string }) =>
    (await import('./commands/route.ts')).route(flags.explain, flags),
  );

  cli
    .command('init')
    .description('write a ccproxy.config.ts from flags, or from questions in a terminal')
    .option('--provider <name>', 'openai, anthropic, gemini, openrouter, deepseek, groq or ollama')
    .option('--base-url <url>', "the provider's address (default: its usual one)")
    .option('--api-key-env <name>', 'the environment variable holding its key')
    .option('--big <model>', 'the model for opus requests')
    .option('--middle <model>', 'the model for sonnet requests')
    .option('--small <model>', 'the model for haiku requests and background tasks')
    .option('-y, --yes', 'ask nothing: defaults for what the flags leave out')
    .option('--force', 'overwrite an existing file')
    .option('-o, --out <file>', 'where to write', 'ccproxy.config.ts')
    .action(async (flags: InitFlags) => (await import('./commands/init.ts')).init(flags));

  const statusline = cli
    .command('statusline')
    .description(
      "for Claude Code's statusLine: reads its JSON on stdin, prints requested → routed model, session cost, savings, budget left",
    )
    .action(async () => (await import('./commands/statusline.ts')).statusline());
  statusline
    .command('install')
    .description('add it to ~/.claude/settings.json (backup first; a second run changes nothing)')
    .action(async () => (await import('./commands/statusline-install.ts')).statuslineInstall());

  cli
    .command('import')
    .description(
      "write a ccproxy.config.ts from another proxy's config: ccr (claude-code-router's config.json), go-ccproxy (the Go ccproxy's config.json), env (a Python proxy's .env), toml (cc-proxy's providers.toml) or cc-proxy-json (the web-UI proxy's config.json)",
    )
    .addArgument(
      new Argument('<format>', "the file's kind").choices([
        'ccr',
        'go-ccproxy',
        'env',
        'toml',
        'cc-proxy-json',
      ]),
    )
    .argument('<file>', 'the file to read')
    .option('-o, --out <file>', 'where to write', 'ccproxy.config.ts')
    .option('--force', 'overwrite an existing file')
    .action(async (format: ImportFormat, file: string, flags: ImportFlags) =>
      (await import('./commands/import.ts')).importConfig(format, file, flags),
    );

  withServerFlags(
    cli
      .command('export')
      .description(
        "print the providers and tiers for another tool: ccr (claude-code-router's config.json), cc-switch (CC Switch import links), cliproxyapi (CLIProxyAPI config.yaml sections), or claude-settings (a Claude Code settings.json env block pointing claude at ccproxy); keys as references, never their values",
      )
      .addArgument(
        new Argument('<format>', 'what to print').choices([
          'claude-settings',
          'ccr',
          'cc-switch',
          'cliproxyapi',
        ]),
      )
      .option('--url <url>', 'the server (default: CCPROXY_URL, the running one, else the config)'),
  ).action(async (format: ExportFormat, flags: ExportFlags) =>
    (await import('./commands/export.ts')).exportConfig(format, flags),
  );

  withServerFlags(
    cli
      .command('doctor')
      .description(
        'check Node, the config, keys, storage, each provider (a one-token call), the port and Claude Code',
      )
      .option('--json', 'as JSON'),
  ).action(async (flags: DoctorFlags) => (await import('./commands/doctor.ts')).doctor(flags));

  withAdminFlags(
    cli
      .command('models')
      .description(
        "each provider's models as provider,model, from its own models endpoint (else the configured ones)",
      )
      .argument('[provider]', 'only this provider')
      .option('--refresh', 'ask the providers again (the server keeps their lists 10 minutes)'),
  ).action(async (provider: string | undefined, flags: ModelsFlags) =>
    (await import('./commands/models.ts')).models(provider, flags),
  );

  withAdminFlags(
    cli
      .command('switch')
      .description(
        'show the live tier targets, or switch a tier on the running server (next request, no restart)',
      )
      .addArgument(new Argument('[tier]', 'the tier to switch').choices(['big', 'middle', 'small']))
      .argument('[target]', "provider,model, or default to go back to the config's")
      .option('--session <id>', 'only for this Claude Code session'),
  ).action(
    async (
      tier: Tier | undefined,
      target: string | undefined,
      flags: SwitchFlags,
      command: Command,
    ) => {
      if (tier && !target)
        command.error(`ccproxy: switch ${tier}: expected a target (provider,model or default)`);
      await (await import('./commands/switch.ts')).switchTier(tier, target, flags);
    },
  );

  withAdminFlags(
    cli
      .command('usage')
      .description('requests, tokens, cost and savings from the running server, grouped')
      .addOption(
        new Option('--by <group>', 'one row per')
          .choices(['model', 'provider', 'session', 'key', 'day'])
          .default('model'),
      )
      .option(
        '--since <when>',
        'a span back (30m, 24h, 7d), today, or a date (default: all)',
        (value: string) => sinceTime(value),
      ),
  ).action(async (flags: UsageFlags) => (await import('./commands/usage.ts')).usage(flags));

  withAdminFlags(
    cli
      .command('logs')
      .description('the last requests as they finished (route, status, tokens, cost); -f follows')
      .option('-f, --follow', 'then each request as it finishes, until Ctrl-C')
      .option('-n, --lines <n>', 'how many past requests (1 to 500)', lineCount, 20),
  ).action(async (flags: LogsFlags) => (await import('./commands/logs.ts')).logs(flags));

  return cli;
}

/** `--url` and `--json`: the flags of the commands that read the running server's admin API. */
function withAdminFlags(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'the server (default: CCPROXY_URL, else the running one in CCPROXY_HOME)',
    )
    .option('--json', 'as JSON');
}

function lineCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500)
    throw new InvalidArgumentError('expected an integer from 1 to 500.');
  return n;
}

/**
 * `ccproxy` alone, or with only options (`ccproxy --port 0`), means `ccproxy start`; `--help` and
 * `--version` stay the program's own.
 */
export function withDefaultCommand(argv: readonly string[]): string[] {
  const first = argv[0];
  const programFlag = ['-h', '--help', '-v', '--version'];
  if (first === undefined || (first.startsWith('-') && !programFlag.includes(first)))
    return ['start', ...argv];
  return [...argv];
}
