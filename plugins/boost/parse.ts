/**
 * What a planner reply means. `summary`: the planner answered; `guidance`: the executor acts on
 * it; `other`: the reply followed neither format and the loop tries again.
 */
export type Plan =
  | { kind: 'summary'; summary: string; analysis: string }
  | { kind: 'guidance'; guidance: string; analysis: string }
  | { kind: 'other'; analysis: string };

type Section = 'SUMMARY' | 'ANALYSIS' | 'GUIDANCE';

// A header opens its line, case-sensitive; the markdown emphasis models like to add (`**GUIDANCE:**`,
// `## SUMMARY:`) is tolerated so that a well-meant plan is not thrown away over formatting.
const HEADER = /^(?:#{1,6}\s*)?(?:\*\*|__)?(SUMMARY|ANALYSIS|GUIDANCE):(?:\*\*|__)?(.*)$/;

/**
 * Reads a planner reply line by line (the protocol of the Python proxy, made strict): a section
 * starts at its `NAME:` header and keeps the text after the colon; it ends at a `---` line or the
 * next header. The first occurrence of a name wins; surrounding blank lines are trimmed; an empty
 * section counts as absent. SUMMARY wins over GUIDANCE.
 */
export function parsePlan(reply: string): Plan {
  const sections = readSections(reply);
  const analysis = sections.ANALYSIS ?? '';
  if (sections.SUMMARY) return { kind: 'summary', summary: sections.SUMMARY, analysis };
  if (sections.GUIDANCE) return { kind: 'guidance', guidance: sections.GUIDANCE, analysis };
  return { kind: 'other', analysis };
}

function readSections(reply: string): Partial<Record<Section, string>> {
  const found: Partial<Record<Section, string>> = {};
  const seen = new Set<string>();
  let open: Section | null = null;
  let lines: string[] = [];
  const close = () => {
    if (open) {
      const text = trimBlankLines(lines);
      if (text) found[open] = text;
    }
    open = null;
    lines = [];
  };
  for (const line of reply.split(/\r?\n/)) {
    const trimmed = line.trim();
    const header = HEADER.exec(trimmed);
    if (header) {
      close();
      // A repeated header ends the section before it and is ignored: the first occurrence wins.
      if (!seen.has(header[1]!)) {
        seen.add(header[1]!);
        open = header[1] as Section;
        lines.push(header[2]!.trim());
      }
    } else if (trimmed.startsWith('---')) {
      close();
    } else if (open) {
      lines.push(line.trimEnd());
    }
  }
  close();
  return found;
}

function trimBlankLines(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start]!.trim()) start++;
  while (end > start && !lines[end - 1]!.trim()) end--;
  return lines.slice(start, end).join('\n');
}
