import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordedRequest } from '../helpers/upstream.ts';
import { promptOf } from '../plugins/boost/helpers.ts';
import { MARKER, MARKER_CALL } from '../plugins/boost/scenario.ts';
import type { ClaudeRun } from './claude.ts';
import { PLANNER_MODEL, SEARCH_HIT } from './adapters.ts';
import type { RequestView, Turn } from './model.ts';

/** A scratch folder Claude Code works in, with a token only the files hold. */
export interface Workspace {
  dir: string;
  /** Random per run: the model can only quote it if a tool really read it. */
  token: string;
}

/** What a scenario's checks see after the run. */
export interface Outcome {
  run: ClaudeRun;
  ws: Workspace;
  /** Generation requests the upstream received, decoded. */
  views: RequestView[];
  /** Requests boost's scripted planner received (OpenAI chat completions). */
  planner: RecordedRequest[];
  /** The model names the adapter is configured to map Claude Code's tiers and `--model` to. */
  models: { big?: string; small?: string; alt: string };
  /** A translated path: the upstream is not Anthropic, so the attribution block must be gone. */
  translated: boolean;
  /** The wire mints reasoning signatures the upstream needs back (all but OpenAI Chat). */
  signs: boolean;
}

/** One user story: a prompt, the model's script, and what the user must then see. */
export interface Scenario {
  name: string;
  prompt: string;
  /** Claude Code arguments beyond `-p`; `{alt}` is replaced by the alternative model reference. */
  args?: string[];
  env?: Record<string, string>;
  /** A plugin factory the scenario needs on translated paths (ccproxy serves the feature there). */
  requires?: string;
  /** `requires` names a feature only ccproxy has (no native equivalent): needed on every path. */
  proxyOnly?: boolean;
  setup?(ws: Workspace): Promise<void>;
  /** The scripted model for main-agent requests. */
  answer(view: RequestView, ws: Workspace): Turn;
  /** The scripted model for side requests (compaction, web search); default: a short fixed text. */
  side?(view: RequestView, ws: Workspace): Turn | undefined;
  check(outcome: Outcome): void | Promise<void>;
}

// A 1×1 PNG: the smallest image Claude Code's Read tool turns into an image block.
const PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC';

/** Makes a fresh workspace folder with its token. */
export async function makeWorkspace(root: string, name: string): Promise<Workspace> {
  const dir = join(root, `${name}-${randomBytes(3).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return { dir, token: `tok-${randomBytes(6).toString('hex')}` };
}

const main = (views: RequestView[]) => views.filter((v) => v.kind === 'main');

/** Asserts the run ended the way a user wants: exit 0, no error, the expected text shown. */
export function assertSuccess(run: ClaudeRun, ...expected: string[]): void {
  assert.equal(run.exitCode, 0, `claude exited ${run.exitCode}: ${run.stderr.slice(-800)}`);
  assert.equal(run.isError, false, `claude reported an error: ${run.result}`);
  for (const text of expected)
    assert.ok(run.result.includes(text), `result lacks "${text}": ${run.result}`);
}

/** The blocks of one type in Claude Code's own transcript (stream-json messages). */
const transcript = (run: ClaudeRun, type: string): Record<string, any>[] =>
  run.events
    .flatMap((e) => (Array.isArray(e.message?.content) ? e.message.content : []))
    .filter((b: any) => b.type === type);

/** Asserts the request after a tool round returned one result per call, paired by id, in order. */
function assertPaired(view: RequestView | undefined, count: number): void {
  assert.ok(view, 'no request followed the tool calls');
  assert.equal(
    view.results.length,
    count,
    `expected ${count} tool results, got ${view.results.length}`,
  );
  assert.deepEqual(
    view.results.map((r) => r.id),
    view.calls,
    'tool results are not paired with the calls',
  );
}

export const scenarios: Scenario[] = [
  {
    name: 'plain answer',
    prompt: 'What is the magic word?',
    answer: (_v, ws) => ({ text: `The magic word is ${ws.token}.` }),
    check({ run, ws, views, models, translated }) {
      assertSuccess(run, `The magic word is ${ws.token}.`);
      const [first] = main(views);
      assert.ok(first, 'no request reached the upstream');
      if (models.big)
        assert.equal(first.model, models.big, 'the default model did not map to the big tier');
      assert.ok(
        first.tools.includes('Bash') && first.tools.includes('Read'),
        `tools not converted: ${first.tools}`,
      );
      const attribution = first.system.includes('x-anthropic-billing-header');
      assert.equal(
        attribution,
        !translated,
        'the attribution block is kept natively and dropped when translated',
      );
      assert.ok(first.userText.includes('What is the magic word?'));
    },
  },
  {
    name: 'Bash tool output quoted',
    prompt: 'Run `cat secret.txt` and tell me what it printed.',
    setup: (ws) => writeFile(join(ws.dir, 'secret.txt'), `${ws.token}\n`),
    answer: (v) =>
      v.rounds === 0
        ? {
            text: 'Running it.',
            calls: [
              {
                name: 'Bash',
                input: { command: 'cat secret.txt', description: 'Print secret.txt' },
              },
            ],
          }
        : { text: `It printed: ${v.results[0]?.text.trim()}` },
    check({ run, ws, views }) {
      assertSuccess(run, `It printed: ${ws.token}`);
      const second = main(views)[1];
      assertPaired(second, 1);
      assert.ok(second!.results[0]!.text.includes(ws.token));
    },
  },
  {
    name: 'parallel Read and grep',
    prompt: 'Read notes.md and grep log.txt for "needle", in parallel.',
    async setup(ws) {
      await writeFile(join(ws.dir, 'notes.md'), `# Notes\nThe code name is ${ws.token}-A.\n`);
      await writeFile(join(ws.dir, 'log.txt'), `hay\nneedle ${ws.token}-B\nhay\n`);
    },
    answer: (v, ws) =>
      v.rounds === 0
        ? {
            calls: [
              { name: 'Read', input: { file_path: join(ws.dir, 'notes.md') } },
              {
                name: 'Bash',
                input: { command: 'grep -n needle log.txt', description: 'Find needle in log.txt' },
              },
            ],
          }
        : {
            text: `Read: ${/code name is (\S+)\./.exec(v.results[0]?.text ?? '')?.[1]}; grep: ${v.results[1]?.text.trim()}`,
          },
    check({ run, ws, views }) {
      assertSuccess(run, `Read: ${ws.token}-A`, `grep: 2:needle ${ws.token}-B`);
      assertPaired(main(views)[1], 2);
    },
  },
  {
    name: 'Edit a file in the workspace',
    prompt: 'In greeting.txt, replace "world" with "ccproxy".',
    setup: (ws) => writeFile(join(ws.dir, 'greeting.txt'), 'Hello, world!\n'),
    answer: (v, ws) => {
      const file_path = join(ws.dir, 'greeting.txt');
      if (v.rounds === 0) return { calls: [{ name: 'Read', input: { file_path } }] };
      if (v.rounds === 1)
        return {
          calls: [
            { name: 'Edit', input: { file_path, old_string: 'world', new_string: 'ccproxy' } },
          ],
        };
      return { text: 'Replaced "world" with "ccproxy" in greeting.txt.' };
    },
    async check({ run, ws, views }) {
      assertSuccess(run, 'Replaced');
      assert.equal(await readFile(join(ws.dir, 'greeting.txt'), 'utf8'), 'Hello, ccproxy!\n');
      assertPaired(main(views)[2], 1);
    },
  },
  {
    name: 'thinking then a tool call',
    prompt: 'Think, then count the lines of data.csv.',
    setup: (ws) => writeFile(join(ws.dir, 'data.csv'), 'a\nb\nc\n'),
    answer: (v) =>
      v.rounds === 0
        ? {
            thinking: 'The user wants a line count; wc -l will do.',
            calls: [
              { name: 'Bash', input: { command: 'wc -l < data.csv', description: 'Count lines' } },
            ],
          }
        : {
            thinking: 'wc printed the count.',
            text: `data.csv has ${v.results[0]?.text.trim()} lines.`,
          },
    check({ run, views, signs }) {
      assertSuccess(run, 'data.csv has 3 lines.');
      assertPaired(main(views)[1], 1);
      // The tool round must carry the reasoning back, or Gemini 3 and stateless Responses fail.
      if (signs)
        assert.equal(
          main(views)[1]?.signatures.length,
          1,
          'the thinking signature did not come back upstream',
        );
      const thought = run.events.some(
        (e) =>
          e.type === 'assistant' && e.message?.content?.some((b: any) => b.type === 'thinking'),
      );
      assert.ok(thought, 'Claude Code showed no thinking block');
    },
  },
  {
    name: 'image read by a tool',
    prompt: 'Look at pixel.png and describe it.',
    setup: (ws) => writeFile(join(ws.dir, 'pixel.png'), Buffer.from(PIXEL_PNG, 'base64')),
    answer: (v, ws) =>
      v.rounds === 0
        ? { calls: [{ name: 'Read', input: { file_path: join(ws.dir, 'pixel.png') } }] }
        : { text: v.images > 0 ? 'I see one image: a single red pixel.' : 'I received no image.' },
    check({ run, views }) {
      assertSuccess(run, 'I see one image');
      assert.ok((main(views)[1]?.images ?? 0) > 0, 'the image never reached the upstream');
    },
  },
  {
    name: 'long conversation compacts',
    prompt: 'Run `cat secret.txt`, keep going, then tell me what it printed.',
    // Claude Code compacts by the prompt size the API reports (PROTOCOL 3.3): a window of 200K
    // and a reported 190K prompt trigger it after the first tool round.
    env: { CLAUDE_CODE_AUTO_COMPACT_WINDOW: '200000' },
    setup: (ws) => writeFile(join(ws.dir, 'secret.txt'), `${ws.token}\n`),
    answer(v) {
      const summary = /Summary: secret\.txt printed (tok-[0-9a-f]+)/.exec(v.allText);
      if (summary) return { text: `After compaction I still know: ${summary[1]}` };
      const command = v.rounds === 0 ? 'cat secret.txt' : `echo step ${v.rounds}`;
      return {
        calls: [{ name: 'Bash', input: { command, description: 'Next step' } }],
        inputTokens: 190_000,
      };
    },
    side: (v, ws) =>
      v.kind === 'compact' && v.allText.includes(ws.token)
        ? { text: `Summary: secret.txt printed ${ws.token}` }
        : undefined,
    check({ run, ws, views }) {
      assertSuccess(run, `After compaction I still know: ${ws.token}`);
      assert.ok(
        views.some((v) => v.kind === 'compact'),
        'Claude Code never asked for a compaction summary',
      );
    },
  },
  {
    name: '--model provider,model switch',
    prompt: 'Which model are you?',
    args: ['--model', '{alt}'],
    answer: (v) => ({ text: `I am ${v.model}.` }),
    check({ run, views, models }) {
      assertSuccess(run, `I am ${models.alt}.`);
      assert.ok(
        main(views).every((v) => v.model === models.alt),
        `upstream saw ${main(views).map((v) => v.model)}`,
      );
    },
  },
  {
    name: '/context counts tokens',
    prompt: '/context',
    answer: () => ({ text: 'unused' }),
    check({ run }) {
      assertSuccess(run);
      const tokens = /\*\*Tokens:\*\* ([\d.]+)(k?) \//.exec(run.result);
      assert.ok(tokens, `no token count shown: ${run.result.slice(0, 300)}`);
      assert.ok(Number(tokens[1]) > 0, `zero tokens shown: ${tokens[0]}`);
    },
  },
  {
    name: 'WebSearch side request',
    prompt: 'Search the web for the ccproxy e2e page and give me its link.',
    requires: 'webSearch',
    answer: (v) => {
      if (v.rounds === 0)
        return { calls: [{ name: 'WebSearch', input: { query: 'ccproxy e2e page' } }] };
      return {
        text: `Source: ${/https:\/\/[^"\s)]+/.exec(v.results[0]?.text ?? '')?.[0] ?? 'none'}`,
      };
    },
    side(v) {
      if (v.kind !== 'web-search') return undefined;
      const query = /query: (.*)/.exec(v.userText)?.[1] ?? '';
      // Native: the model searches itself. Translated: ccproxy offers a web_search function.
      if (!v.tools.includes('web_search'))
        return { search: { query, results: [SEARCH_HIT] }, text: 'Found it.' };
      return v.rounds === 0
        ? { calls: [{ name: 'web_search', input: { query } }] }
        : { text: 'Found it [1].' };
    },
    check({ run, views }) {
      assertSuccess(run, `Source: ${SEARCH_HIT.url}`);
      assert.ok(
        views.some((v) => v.kind === 'web-search'),
        'Claude Code sent no WebSearch side request',
      );
      const result = main(views)[1]?.results[0]?.text ?? '';
      assert.ok(
        result.includes(SEARCH_HIT.title),
        `the search result Claude Code returned lacks the hit: ${result}`,
      );
    },
  },
  {
    name: 'subagent on the small model',
    prompt: 'Ask a subagent (haiku) what secret.txt holds.',
    setup: (ws) => writeFile(join(ws.dir, 'secret.txt'), `${ws.token}\n`),
    answer(v) {
      // The subagent's conversation starts from the task text; the main one from the user's prompt.
      if (!v.allText.includes('Ask a subagent')) {
        if (v.rounds === 0)
          return {
            calls: [
              {
                name: 'Bash',
                input: { command: 'cat secret.txt', description: 'Print secret.txt' },
              },
            ],
          };
        return { text: `SUBAGENT-REPORT ${v.results[0]?.text.trim()}` };
      }
      if (v.rounds === 0) {
        const input = {
          description: 'Read secret.txt',
          prompt: 'SUBAGENT-TASK: run cat secret.txt and report it.',
          subagent_type: 'general-purpose',
          model: 'haiku',
        };
        return { calls: [{ name: 'Agent', input }] };
      }
      // Newer releases run the agent in the background and bring its report as a later user turn.
      const report = /SUBAGENT-REPORT (tok-[0-9a-f]+)/.exec(v.allText)?.[1];
      return { text: report ? `The subagent found ${report}.` : 'Waiting for the subagent.' };
    },
    check({ run, ws, views, models }) {
      assertSuccess(run, `The subagent found ${ws.token}.`);
      const sub = main(views).filter((v) => !v.allText.includes('Ask a subagent'));
      assert.ok(sub.length >= 2, 'the subagent never ran its tool round');
      if (models.small)
        assert.ok(
          sub.every((v) => v.model === models.small),
          `subagent models: ${sub.map((v) => v.model)}`,
        );
    },
  },
  {
    name: 'boost: planner guides a Bash call',
    prompt: 'Run the marker command and tell me what it printed.',
    // Boost is configured on the middle tier (sonnet); the default opus requests stay direct.
    args: ['--model', 'sonnet'],
    requires: 'boost',
    proxyOnly: true,
    // The executor: it calls Bash when the planner's GUIDANCE reaches its system prompt.
    answer: (v) =>
      v.system.includes('GUIDANCE:')
        ? { text: 'On it.', calls: [{ name: 'Bash', input: MARKER_CALL }] }
        : { text: 'No guidance came.' },
    check({ run, views, planner, models }) {
      // The planner's SUMMARY is the answer, once the Bash output reached it.
      assertSuccess(run, `The command ran and printed ${MARKER}.`);
      const [call] = transcript(run, 'tool_use');
      const [result] = transcript(run, 'tool_result');
      assert.equal(call?.name, 'Bash', 'Claude Code ran no Bash call');
      assert.equal(result?.tool_use_id, call.id, 'the tool result is not paired with the call');
      assert.ok(
        JSON.stringify(result?.content).includes(MARKER),
        `Bash did not print the marker: ${JSON.stringify(result?.content)}`,
      );

      const plans = planner.filter((r) => r.url.endsWith('/chat/completions'));
      assert.equal(plans.length, 2, `planner calls: ${plans.length}`);
      for (const plan of plans) {
        assert.equal(plan.body.model, PLANNER_MODEL);
        assert.equal(plan.body.tools, undefined, 'the planner was offered tools');
        assert.notEqual(plan.body.stream, true, 'the planner call streamed');
      }
      assert.match(promptOf(plans[0]), /Run the marker command/);
      assert.match(promptOf(plans[1]), new RegExp(`- called Bash .*\\n- result: ${MARKER}`));

      // One executor call (the planner answered the second turn itself): real tools, guidance appended.
      const executed = main(views);
      assert.equal(executed.length, 1, `executor calls: ${executed.length}`);
      const [exec] = executed;
      if (models.big) assert.equal(exec!.model, models.big);
      assert.ok(
        exec!.tools.includes('Bash') && exec!.tools.includes('Read'),
        `executor tools: ${exec!.tools}`,
      );
      assert.ok(exec!.system.includes('Claude Code'), 'the original system prompt was dropped');
      assert.match(
        exec!.system,
        new RegExp(`GUIDANCE:[\\s\\S]*echo ${MARKER}`),
        'the guidance is not in the system prompt',
      );
    },
  },
];
