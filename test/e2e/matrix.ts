import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from './install.ts';

/** `n/a`: the column does not offer the feature (e.g. web search in the env-compatible default). */
type Result = 'pass' | 'fail' | 'n/a';

/**
 * The compatibility matrix (Claude Code version × adapter → pass/fail), filled as the suite runs.
 * Written to the cache folder on every run; `CCPROXY_E2E_WRITE_MATRIX=1` also refreshes the
 * committed `test/e2e/MATRIX.md` that the README links to.
 */
export class Matrix {
  private readonly results = new Map<string, Map<string, Map<string, Result>>>();

  private readonly columns: string[];
  private readonly scenarios: string[];

  /** Columns and rows print in the order given, whatever order the results come in. */
  constructor(columns: string[], scenarios: string[]) {
    this.columns = columns;
    this.scenarios = scenarios;
  }

  record(version: string, adapter: string, scenario: string, result: Result): void {
    const byAdapter = this.results.get(version) ?? new Map<string, Map<string, Result>>();
    const byScenario = byAdapter.get(adapter) ?? new Map<string, Result>();
    byScenario.set(scenario, result);
    byAdapter.set(adapter, byScenario);
    this.results.set(version, byAdapter);
  }

  /** Version × adapter (passed/ran), then adapter × scenario for each version. */
  toMarkdown(): string {
    const ran = new Set([...this.results.values()].flatMap((m) => [...m.keys()]));
    const adapters = this.columns.filter((c) => ran.has(c));
    const cell = (r: Map<string, Result> | undefined) => {
      const ran = [...(r?.values() ?? [])].filter((x) => x !== 'n/a');
      if (ran.length === 0) return 'not run';
      const passed = ran.filter((x) => x === 'pass').length;
      return `${passed === ran.length ? 'pass' : 'FAIL'} (${passed}/${ran.length})`;
    };
    const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
    const lines = [
      '# Claude Code compatibility matrix',
      '',
      'Produced by `npm run test:e2e`: the real Claude Code CLI (`claude -p --output-format stream-json`)',
      "through ccproxy to scripted upstreams speaking each vendor's wire format.",
      `Last run: ${new Date().toISOString().slice(0, 10)}. \`baseline\`: Claude Code straight to the scripted`,
      'Anthropic upstream, no ccproxy (proves the scenario itself). `n/a`: the setup does not offer the feature.',
      '',
      row(['Claude Code', ...adapters]),
      row(['---', ...adapters.map(() => '---')]),
      ...[...this.results].map(([version, m]) =>
        row([version, ...adapters.map((a) => cell(m.get(a)))]),
      ),
    ];
    for (const [version, m] of this.results) {
      lines.push(
        '',
        `## Claude Code ${version}`,
        '',
        row(['scenario', ...adapters]),
        row(['---', ...adapters.map(() => '---')]),
      );
      for (const s of this.scenarios)
        lines.push(row([s, ...adapters.map((a) => m.get(a)?.get(s) ?? '–')]));
    }
    return `${lines.join('\n')}\n`;
  }

  write(): void {
    if (this.results.size === 0) return;
    const markdown = this.toMarkdown();
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, 'MATRIX.md'), markdown);
    if (process.env.CCPROXY_E2E_WRITE_MATRIX === '1') {
      writeFileSync(join(dirname(fileURLToPath(import.meta.url)), 'MATRIX.md'), markdown);
    }
    process.stdout.write(`\n${markdown}`);
  }
}
