import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const root = join(import.meta.dirname, '..', '..');
const uiDir = join(root, 'ui');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else yield path;
  }
}

/**
 * The UI built from the current sources, once per content: Vite writes into a folder named by
 * the sources' hash (under node_modules/.cache), so every test file serves what the tree holds
 * now, and a second test file reuses the first one's build.
 */
export async function builtUi(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...sources(uiDir)].sort()) hash.update(file).update(readFileSync(file));
  const cache = join(root, 'node_modules', '.cache', 'ccproxy-ui');
  const dir = join(cache, hash.digest('hex').slice(0, 16));
  if (existsSync(join(dir, 'index.html'))) return dir;
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, 'build-'));
  const { build } = await import('vite');
  await build({
    configFile: join(uiDir, 'vite.config.ts'),
    build: { outDir: scratch, emptyOutDir: true },
    logLevel: 'error',
  });
  try {
    renameSync(scratch, dir); // atomic: a concurrent test file sees a whole build or none
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // the other one won: its build is the same
  }
  return dir;
}

/** Debian's `chromium` (or another Chromium found on PATH; `CHROMIUM_PATH` wins). */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  throw new Error("no Chromium on PATH: install Debian's chromium (apt-get install chromium)");
}

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab that records console errors and uncaught exceptions in `errors`. */
  page(width?: number): Promise<Page>;
  /** Every console error and page exception seen, as text. */
  errors: string[];
}

/** Headless Chromium with a fresh profile; closed by `t.after`. */
export async function startBrowser(t: TestContext): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'ccproxy-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1440, height: 900 },
  });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });
  const errors: string[] = [];
  return {
    context,
    errors,
    async page(width = 1440) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
      return page;
    },
  };
}

const shots = join(import.meta.dirname, '..', 'plugins', 'ui', 'screenshots');

/** Saves the whole page as `test/plugins/ui/screenshots/<name>-<width>.png` (gitignored). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(shots, `${name}-${width}.png`), fullPage: true });
}
