import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from 'pino';

/** Quiet time after the last change before reloading: an editor's save is several writes. */
const SETTLE_MS = 150;

/**
 * Calls `onChange` when one of `files` changes content. Watches each file's folder, not the file:
 * editors save by writing a new file and renaming it over the old one, which ends a file watch.
 * A save that leaves the bytes as they were (a `touch`) reloads nothing.
 */
export function watchConfig(
  files: readonly string[],
  onChange: () => void,
  log: Logger,
): { close(): void } {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const read = (file: string) => readFile(file, 'utf8').catch(() => null);
  // Read now, not in the background: a save landing before a background read finished would be
  // taken for the starting content and never reload.
  const contents = new Map(files.map((file) => [file, readNow(file)]));

  const settle = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void check(), SETTLE_MS);
  };
  const check = async () => {
    let changed = false;
    for (const file of files) {
      const text = await read(file);
      if (text !== contents.get(file)) changed = true;
      contents.set(file, text);
    }
    if (changed) onChange();
  };

  const byFolder = new Map<string, Set<string>>();
  for (const file of files) {
    const names = byFolder.get(dirname(file)) ?? new Set<string>();
    byFolder.set(dirname(file), names.add(basename(file)));
  }
  for (const [folder, names] of byFolder) {
    try {
      const watcher = watch(folder, (_event, name) => {
        if (name === null || names.has(name)) settle();
      });
      watcher.on('error', (error) => log.warn({ err: error, folder }, 'config watch failed'));
      watchers.push(watcher);
    } catch (error) {
      log.warn({ err: error, folder }, 'cannot watch the config folder; reload it on demand');
    }
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}

function readNow(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
