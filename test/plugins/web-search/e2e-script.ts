import type { UpstreamHandler } from '../../helpers/upstream.ts';
import { chunk, completion, openaiReply, usageChunk } from '../../providers/openai/helpers.ts';

/**
 * A scripted model for a Claude Code run that uses WebSearch (the e2e scenario): one
 * OpenAI-compatible upstream playing both Claude Code's main turn and its WebSearch side request,
 * deciding from the request alone, so any number and order of Claude Code calls get an answer.
 */

interface ChatBody {
  tools?: { function: { name: string } }[];
  messages: { role: string; content?: unknown }[];
}

const USAGE = { prompt_tokens: 200, completion_tokens: 20 };

/** The query of Claude Code's side request: "Perform a web search for the query: <q>". */
function queryIn(body: ChatBody): string {
  const text = JSON.stringify(body.messages.find((m) => m.role === 'user')?.content ?? '');
  return (
    /Perform a web search for the query: ([^"\\]+)/.exec(text)?.[1]?.trim() ??
    'node.js 22 release date'
  );
}

/** Text, streamed or as JSON, as the request asks. */
const say = (text: string): UpstreamHandler =>
  openaiReply(
    [
      chunk({ role: 'assistant', content: text }, 'stop'),
      usageChunk(USAGE.prompt_tokens, USAGE.completion_tokens),
    ],
    completion({ role: 'assistant', content: text }, 'stop', USAGE),
  );

/** One function call, streamed or as JSON. */
function callTool(name: string, args: object): UpstreamHandler {
  const call = {
    id: `call_${name}`,
    type: 'function',
    function: { name, arguments: JSON.stringify(args) },
  };
  return openaiReply(
    [
      chunk({ role: 'assistant', tool_calls: [{ index: 0, ...call }] }, 'tool_calls'),
      usageChunk(USAGE.prompt_tokens, USAGE.completion_tokens),
    ],
    completion({ role: 'assistant', content: null, tool_calls: [call] }, 'tool_calls', USAGE),
  );
}

/**
 * In the side request (offered `web_search`) the model searches, then answers citing `[1]`; in
 * the main turn (offered Claude Code's `WebSearch`) it calls WebSearch, then answers from the
 * result; anything else (titles, summaries) gets a short text.
 */
export const webSearchModel: UpstreamHandler = (req, res, http) => {
  const body = req.body as ChatBody;
  const tools = body.tools?.map((t) => t.function.name) ?? [];
  const answered = body.messages.at(-1)?.role === 'tool';
  let handler: UpstreamHandler = say('Node.js 22 release date');
  if (tools.includes('web_search')) {
    handler = answered
      ? say('Node.js 22 was released on April 24, 2024 [1].')
      : callTool('web_search', { query: queryIn(body) });
  } else if (tools.includes('WebSearch')) {
    handler = answered
      ? say('According to the web search, Node.js 22 was released on April 24, 2024.')
      : callTool('WebSearch', { query: 'node.js 22 release date' });
  }
  return handler(req, res, http);
};
