import { CommanderError } from 'commander';
import { ConfigError } from '../core/errors.ts';
import { AdminError } from './admin-client.ts';
import { program, withDefaultCommand } from './program.ts';

/**
 * Exit codes: 0 done, 1 a failure (a config mistake, a server that cannot start or does not answer),
 * 2 bad usage.
 */
async function main(argv: readonly string[]): Promise<void> {
  await program().parseAsync(withDefaultCommand(argv), { from: 'user' });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  if (error instanceof CommanderError) {
    // commander has printed the message and the command's help already.
    process.exit(error.exitCode === 0 ? 0 : 2);
  } else if (error instanceof ConfigError || error instanceof AdminError) {
    process.stderr.write(`ccproxy: ${error.message}\n`);
  } else if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    process.stderr.write(`ccproxy: cannot listen: ${(error as Error).message}\n`);
  } else {
    process.stderr.write(
      `ccproxy: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
