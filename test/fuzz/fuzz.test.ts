import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import {
  anthropic,
  gemini,
  modelMap,
  openai,
  openaiResponses,
  router,
} from '../../plugins/index.ts';
import { startTestProxy } from '../helpers/proxy.ts';
import { generateCases, validBody, type FuzzCase } from './cases.ts';
import { anyProviderUpstream } from './upstream.ts';

/** `FUZZ_SEED=n` replays another run; the default seed makes every run the same. */
const SEED = Number(process.env.FUZZ_SEED ?? 15);
const COUNT = Number(process.env.FUZZ_CASES ?? 2400);
const PARALLEL = 8;

interface Answer {
  status: number;
  type: string;
  body: Buffer;
}

function send(url: URL, agent: Agent, c: FuzzCase): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // A length always: node sends DELETE and OPTIONS bodies unframed otherwise.
    const length = c.body ? { 'content-length': String(c.body.length) } : {};
    const headers = { ...c.headers, ...length, 'x-api-key': 'k' };
    const req = request(
      { host: url.hostname, port: url.port, method: c.method, path: c.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            type: res.headers['content-type'] ?? '',
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(c.body);
  });
}

/** What is wrong with an answer, or null: ≥ 500, or an error without an Anthropic body. */
function defect(c: FuzzCase, answer: Answer): string | null {
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.status < 400 || c.method === 'HEAD') return null;
  try {
    const body = JSON.parse(answer.body.toString()) as Record<string, any>;
    const ok =
      body.type === 'error' &&
      typeof body.error?.type === 'string' &&
      typeof body.error?.message === 'string';
    return ok ? null : `status ${answer.status}: not an Anthropic error body`;
  } catch {
    return `status ${answer.status}: not JSON (${answer.type})`;
  }
}

test(`fuzz: ${COUNT} malformed requests (seed ${SEED}) get no 5xx, only Anthropic errors, and the server keeps serving`, async (t) => {
  const upstream = await anyProviderUpstream(t);
  const { url, client } = await startTestProxy(t, {
    plugins: [
      openai({ baseUrl: `${upstream.url}/v1`, apiKey: 'k', models: ['gpt-4o'] }),
      anthropic({ baseUrl: upstream.url, apiKey: 'k', models: ['claude-sonnet-4-5'] }),
      gemini({ baseUrl: upstream.url, apiKey: 'k', models: ['gemini-2.5-pro'] }),
      openaiResponses({
        name: 'responses',
        baseUrl: `${upstream.url}/v1`,
        apiKey: 'k',
        models: ['gpt-5-codex'],
      }),
      modelMap({ big: 'openai,gpt-4o', middle: 'openai,gpt-4o', small: 'gemini,gemini-2.5-pro' }),
      router(),
    ],
  });
  const agent = new Agent({ keepAlive: true, maxSockets: PARALLEL });
  t.after(() => agent.destroy());
  const cases = generateCases(SEED, COUNT);
  const found: string[] = [];
  const counts = { fivexx: 0, notAnthropic: 0, noAnswer: 0 };
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < cases.length; i = next++) {
      const c = cases[i]!;
      const problem = await send(new URL(url), agent, c).then(
        (answer) => defect(c, answer),
        (error: Error) => `no answer: ${error.message}`,
      );
      if (!problem) continue;
      if (problem.startsWith('no answer')) counts.noAnswer++;
      else if (problem.startsWith('status 5')) counts.fivexx++;
      else counts.notAnthropic++;
      found.push(`#${i} ${c.kind} ${c.method} ${c.path} ${c.note ?? ''}: ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  t.diagnostic(
    `cases ${cases.length}, 5xx ${counts.fivexx}, non-Anthropic bodies ${counts.notAnthropic}, no answer ${counts.noAnswer}`,
  );
  // FUZZ_VERBOSE=1 lists every defect, not only the first twenty.
  if (process.env.FUZZ_VERBOSE) for (const line of found) t.diagnostic(line);
  assert.deepEqual(found, [], `${found.length} defects; first: ${found.slice(0, 20).join('\n')}`);

  const message = await client.messages.create(validBody('openai,gpt-4o', false) as never);
  assert.equal(message.content[0]?.type, 'text', 'the server still answers a valid request');
});
