import type { RecordedRequest } from '../helpers/upstream.ts';
import type { ClaudeRun } from './claude.ts';
import type { RequestView } from './model.ts';

/** What a red run prints so that it says why: Claude Code's view, the proxy's, the upstream's. */
export interface FailureContext {
  run: ClaudeRun;
  requests: RecordedRequest[];
  /** The generation requests among them, decoded. */
  views: RequestView[];
  proxyLog?: string;
}

const tail = (text: string, chars: number) =>
  text.length > chars ? `…${text.slice(-chars)}` : text;

/** The assertion, followed by the evidence a developer needs to see the cause. */
export function explainFailure(error: unknown, context: FailureContext): Error {
  const { run, requests, views, proxyLog } = context;
  // Tool definitions fill most of a raw body; the decoded view shows what the model was asked.
  const shown = (v: RequestView) =>
    JSON.stringify({
      ...v,
      system: tail(v.system, 200),
      allText: tail(v.allText, 600),
      userText: tail(v.userText, 400),
    });
  const sections = [
    error instanceof Error ? error.message : String(error),
    `--- claude: exit ${run.exitCode}, result: ${run.result}`,
    `--- claude stderr ---\n${tail(run.stderr, 2000)}`,
    `--- claude stream-json (last 5 lines) ---\n${run.events
      .slice(-5)
      .map((e) => tail(JSON.stringify(e), 800))
      .join('\n')}`,
    proxyLog === undefined ? '' : `--- ccproxy log ---\n${tail(proxyLog, 6000)}`,
    `--- upstream requests ---\n${requests.map((r) => `${r.method} ${r.url}`).join('\n')}`,
    `--- last generation requests, decoded ---\n${views.slice(-3).map(shown).join('\n')}`,
  ];
  return new Error(sections.filter(Boolean).join('\n'), { cause: error });
}
