import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * How to run this CLI again: Node, this process's Node flags (none from the bin; tsx's loader when
 * the CLI runs from its TypeScript sources) and the entry script, by absolute path.
 */
export const cliCommand = (): string[] => [
  process.execPath,
  ...process.execArgv,
  resolve(process.argv[1]!),
];

/** Whether `pid` is a live process; a zombie (exited, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's: not ours either way, yet not gone.
    return (error as { code?: string }).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `pid` has exited, up to `timeoutMs`; true when it did. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await delay(50);
  }
  return true;
}
