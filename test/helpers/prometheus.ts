/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4): every line must be a
 * `# HELP`, a `# TYPE`, a comment or a sample of a declared family, or it throws naming the line.
 * Tests read `/metrics` through it, so a malformed exposition fails them.
 */
export interface Sample {
  /** The sample's own name: `x_bucket`, `x_sum`, `x_count` for a histogram `x`. */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`);
const SUFFIXES = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''] };

export function parsePrometheus(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line break');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const type = TYPE.exec(line);
    if (type) {
      const family = families.get(type[1]!) ?? { type: 'untyped', help: '', samples: [] };
      families.set(type[1]!, { ...family, type: type[2] as Family['type'] });
      continue;
    }
    const help = HELP.exec(line);
    if (help) {
      const family = families.get(help[1]!) ?? { type: 'untyped', help: '', samples: [] };
      families.set(help[1]!, { ...family, help: help[2]! });
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const value = parseValue(sample[3]!, line);
    const [family] = familyOf(families, sample[1]!, line);
    family.samples.push({ name: sample[1]!, labels: parseLabels(sample[2] ?? '', line), value });
  }
  return families;
}

function familyOf(families: Map<string, Family>, name: string, line: string): [Family] {
  const exact = families.get(name);
  if (exact && exact.type !== 'histogram') return [exact];
  for (const [base, family] of families) {
    const suffixes = SUFFIXES[family.type as keyof typeof SUFFIXES] ?? [];
    if (suffixes.some((s) => base + s === name)) return [family];
  }
  throw new Error(`sample of an undeclared family: ${line}`);
}

/** Values as Prometheus reads them (Go's ParseFloat: `NaN`, `+Inf` in any case). */
function parseValue(raw: string, line: string): number {
  const lower = raw.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const value = Number(raw);
  if (raw === '' || Number.isNaN(value)) throw new Error(`not a number: ${line}`);
  return value;
}

function parseLabels(raw: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < raw.length) {
    const at = LABEL.lastIndex;
    const match = LABEL.exec(raw);
    if (!match || match.index !== at) throw new Error(`malformed labels: ${line}`);
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}
