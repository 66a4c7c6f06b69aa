import { readFileSync } from 'node:fs';

/** The package's version, read once (the CLI prints it and the background server records it). */
export const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
