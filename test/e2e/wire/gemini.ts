import type { ServerResponse } from 'node:http';
import { replyJson, replySse } from '../../helpers/upstream.ts';
import { requestKind, type RequestView, type Turn } from '../model.ts';
import { collectText, countImages, halves, latestTurn, type WireFormat } from './format.ts';

type Part = Record<string, any>;
type Content = { role?: string; parts?: Part[] };

const GENERATE = /\/models\/([^/:]+):(stream)?[gG]enerateContent/;
const parts = (contents: Content[]) => contents.flatMap((c) => c.parts ?? []);
const texts = (ps: Part[]) =>
  ps
    .filter((p) => typeof p.text === 'string' && !p.thought)
    .map((p) => p.text as string)
    .join('\n');
// Gemini's own calls carry no id (most models): the name pairs a response with its call.
const callKey = (call: { id?: string; name: string }) => call.id ?? call.name;

/** Decodes a Gemini generateContent request; the model comes from the URL. */
export function viewGemini(body: any, url: string): RequestView {
  const contents: Content[] = body.contents ?? [];
  const system = texts(body.systemInstruction?.parts ?? []);
  const { turn, assistant } = latestTurn(contents, (c) => c.role === 'model');
  const userText = texts(parts(turn));
  const responses = parts(turn)
    .filter((p) => p.functionResponse)
    .map((p) => p.functionResponse);
  return {
    kind: requestKind(system, userText),
    model: decodeURIComponent(GENERATE.exec(url)?.[1] ?? ''),
    system,
    tools: (body.tools ?? [])
      .flatMap((t: any) => t.functionDeclarations ?? [])
      .map((f: any) => f.name),
    userText,
    results: responses.map((r) => ({
      id: callKey(r),
      text: collectText(r.response) || JSON.stringify(r.response),
      images: countImages(r.parts),
    })),
    calls: (assistant?.parts ?? [])
      .filter((p) => p.functionCall)
      .map((p) => callKey(p.functionCall)),
    rounds: contents.filter((c) => c.role === 'model' && c.parts?.some((p) => p.functionCall))
      .length,
    images: countImages(contents),
    allText:
      collectText(contents) +
      '\n' +
      JSON.stringify(parts(contents).map((p) => p.functionResponse?.response ?? null)),
    signatures: parts(contents)
      .filter((p) => p.thoughtSignature)
      .map((p) => p.thoughtSignature),
  };
}

const usageOf = (turn: Turn) => {
  const promptTokenCount = turn.inputTokens ?? 1200;
  return { promptTokenCount, candidatesTokenCount: 40, totalTokenCount: promptTokenCount + 40 };
};

/** The parts of a turn in the order Gemini streams them: thoughts, text, then whole calls. */
function partsOf(turn: Turn, round: number): Part[][] {
  const out: Part[][] = [];
  if (turn.thinking) out.push([{ text: turn.thinking, thought: true }]);
  for (const text of halves(turn.text)) out.push([{ text }]);
  // With thinking on, Gemini signs the first call part; ccproxy must send it back (PROTOCOL 8.4).
  const calls = (turn.calls ?? []).map((c, i) => ({
    functionCall: { name: c.name, args: c.input },
    ...(i === 0 && { thoughtSignature: `sig-e2e-${round}` }),
  }));
  if (calls.length) out.push(calls);
  return out;
}

/** Answers like the Gemini API: `?alt=sse` events separated by CRLF pairs, or one response. */
export async function replyGemini(
  res: ServerResponse,
  turn: Turn,
  view: RequestView,
  _body: any,
  req: { url: string },
): Promise<void> {
  const candidate = (ps: Part[], last: boolean) => ({
    candidates: [
      { content: { role: 'model', parts: ps }, index: 0, ...(last && { finishReason: 'STOP' }) },
    ],
    ...(last && { usageMetadata: usageOf(turn) }),
    modelVersion: view.model,
  });
  const chunks = partsOf(turn, view.rounds);
  if (!GENERATE.exec(req.url)?.[2]) return replyJson(res, 200, candidate(chunks.flat(), true));
  const events = chunks.map((ps, i) => candidate(ps, i === chunks.length - 1));
  if (events.length === 0) events.push(candidate([], true));
  await replySse(
    res,
    events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`),
  );
}

export const geminiWire: WireFormat = {
  name: 'gemini',
  signs: true,
  isGeneration: (req) => req.method === 'POST' && GENERATE.test(req.url),
  view: (body, req) => viewGemini(body, req.url),
  reply: replyGemini,
  other: (req, res) => {
    if (req.url.includes(':countTokens')) return replyJson(res, 200, { totalTokens: 1234 });
    replyJson(res, 404, {
      error: { code: 404, message: `no route ${req.url}`, status: 'NOT_FOUND' },
    });
  },
};
