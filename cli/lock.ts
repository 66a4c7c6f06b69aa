import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { isAlive } from './process.ts';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` holding an exclusive lock file (created with O_EXCL, holding our pid). A lock whose
 * holder has died is taken over, so a crashed command never blocks the next one.
 */
export async function withLock<T>(file: string, work: () => Promise<T>, timeoutMs = 60_000) {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    const text = readFileSync(file, { encoding: 'utf8', flag: 'a+' });
    const holder = Number(text);
    // Empty: the holder has created the file and not yet written its pid.
    if (text !== '' && (!Number.isInteger(holder) || !isAlive(holder))) {
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() > deadline)
      throw new ConfigError(`${file}: held by pid ${holder} for over ${timeoutMs / 1000} s`);
    await delay(50);
  }
  try {
    return await work();
  } finally {
    rmSync(file, { force: true });
  }
}
