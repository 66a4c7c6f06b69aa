#!/usr/bin/env node
// The package ships JavaScript compiled from the TypeScript sources into dist/ (`npm run build`,
// run by `npm install` in a clone and by `npm pack`): no TypeScript compiler at start. A config
// file is compiled by esbuild's binary, a child process run for that compile only.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  // A clone installed with --ignore-scripts: say how to build rather than print a module error.
  process.stderr.write('ccproxy: dist/ is missing; run `npm run build` in the package folder\n');
  process.exit(1);
}
await import(main.href);
