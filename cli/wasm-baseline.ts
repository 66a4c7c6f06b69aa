import process from 'node:process';
import { setFlagsFromString } from 'node:v8';

const WASM_FLAG = /--(?:no-)?(?:liftoff|wasm)[-_]/;

/** Whether the user gave Node a WebAssembly compiler flag (its arguments or NODE_OPTIONS): it wins. */
export const wasmFlagGiven = (execArgv: readonly string[], nodeOptions = ''): boolean =>
  WASM_FLAG.test([...execArgv, nodeOptions].join(' '));

/**
 * Keeps WebAssembly on V8's baseline compiler (Liftoff) in the server's process. undici parses
 * every upstream answer with llhttp compiled to WebAssembly; after the first answers V8 recompiles
 * its hot functions with TurboFan on a worker thread whose compile zones take ~36 MB of malloc'd
 * memory for a moment, and glibc keeps ~10 MB of it in that thread's arena for the life of the
 * process (4 starts in 5). On Liftoff the idle server stays ~10 MB lower every time, for about 4 µs
 * more CPU per streamed answer (bench/results/2026-12-08-idle-memory.md). V8 reads the flag when
 * it compiles a module, before the first upstream call compiles llhttp.
 */
export function keepWasmOnBaseline(): void {
  if (!wasmFlagGiven(process.execArgv, process.env.NODE_OPTIONS))
    setFlagsFromString('--liftoff-only');
}
