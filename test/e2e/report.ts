import type { RecordedRequest } from '../helpers/upstream.ts';
import type { ClaudeRun } from './claude.ts';

/** What a red run prints so that it says why: Claude Code's view, the proxy's, the upstream's. */
export interface FailureContext {
  run: ClaudeRun;
  requests: RecordedRequest[];
  proxyLog?: string;
}

const tail = (text: string, chars: number) => (text.length > chars ? `…${text.slice(-chars)}` : text);

/** The assertion, followed by the evidence a developer needs to see the cause. */
export function explainFailure(error: unknown, context: FailureContext): Error {
  const { run, requests, proxyLog } = context;
  const last = requests.slice(-3).map((r) => `${r.method} ${r.url}\n${tail(r.raw, 3000)}`);
  const sections = [
    error instanceof Error ? error.message : String(error),
    `--- claude: exit ${run.exitCode}, result: ${run.result}`,
    `--- claude stderr ---\n${tail(run.stderr, 2000)}`,
    `--- claude stream-json (last 5 lines) ---\n${run.events.slice(-5).map((e) => tail(JSON.stringify(e), 800)).join('\n')}`,
    proxyLog === undefined ? '' : `--- ccproxy log ---\n${tail(proxyLog, 6000)}`,
    `--- last ${last.length} of ${requests.length} upstream requests ---\n${last.join('\n\n')}`,
  ];
  return new Error(sections.filter(Boolean).join('\n'), { cause: error });
}
