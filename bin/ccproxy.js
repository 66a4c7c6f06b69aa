#!/usr/bin/env node
// The CLI and configs are TypeScript: tsx compiles them on load (cached), so no build step stands
// between a clone, an `npm install` and `npx ccproxy`.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
