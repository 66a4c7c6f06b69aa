import type {
  ContentBlock,
  MessageParam,
  MessagesRequest,
  Tool,
  ToolResultBlock,
  WebSearchToolResultBlock,
} from '../../core/index.ts';
import { decodeHit } from './blocks.ts';
import type { UserLocation } from './backends/types.ts';
import { WEB_SEARCH_FUNCTION } from './prompts.ts';

/** The settings of the client's `web_search_*` server tool (PROTOCOL §1.5). */
export interface SearchToolSpec {
  maxUses?: number;
  allowedDomains?: string[];
  blockedDomains?: string[];
  userLocation?: UserLocation;
}

const isSearchTool = (tool: Tool): boolean =>
  typeof tool.type === 'string' && tool.type.startsWith('web_search_');

/** The request's web search server tool (`web_search_20250305` or later), or null. */
export function findSearchTool(request: MessagesRequest): SearchToolSpec | null {
  const tool = request.tools?.find(isSearchTool);
  if (!tool) return null;
  const list = (value: unknown) =>
    Array.isArray(value) && value.length ? value.map(String) : undefined;
  return {
    maxUses: typeof tool.max_uses === 'number' ? tool.max_uses : undefined,
    allowedDomains: list(tool.allowed_domains),
    blockedDomains: list(tool.blocked_domains),
    userLocation: tool.user_location as UserLocation | undefined,
  };
}

/**
 * The request a non-Anthropic model can serve: the server tool replaced by the `web_search`
 * function (a copy: an adapter may rewrite a schema in place), and earlier server-tool turns in
 * the history as function calls and results.
 */
export function toFunctionRequest(request: MessagesRequest): MessagesRequest {
  return {
    ...request,
    tools: request.tools!.map((tool) =>
      isSearchTool(tool) ? structuredClone(WEB_SEARCH_FUNCTION) : tool,
    ),
    messages: historyToFunctions(request.messages),
  };
}

/** One search the model ran: the id both blocks carry and what the model is told. */
export interface SearchTurn {
  id: string;
  text: string;
  isError: boolean;
}

/**
 * The next model call: the assistant turn so far (its `web_search` calls renamed to the
 * `srvtoolu_` ids the client saw), then the results. A forced search is not forced again, and
 * once the searches are used up the function is withdrawn so the model must answer.
 */
export function followUp(
  request: MessagesRequest,
  assistant: ContentBlock[],
  turns: readonly SearchTurn[],
  exhausted: boolean,
): MessagesRequest {
  let k = 0;
  const content = assistant.map((block) =>
    block.type === 'tool_use' && block.name === WEB_SEARCH_FUNCTION.name
      ? { ...block, id: turns[k++]!.id }
      : block,
  );
  const results: ToolResultBlock[] = turns.map((t) => ({
    type: 'tool_result',
    tool_use_id: t.id,
    content: t.text,
    ...(t.isError && { is_error: true }),
  }));
  const next: MessagesRequest = {
    ...request,
    messages: [
      ...request.messages,
      { role: 'assistant', content },
      { role: 'user', content: results },
    ],
  };
  const choice = request.tool_choice;
  if (
    choice?.type === 'any' ||
    (choice?.type === 'tool' && choice.name === WEB_SEARCH_FUNCTION.name)
  ) {
    next.tool_choice = { type: 'auto' };
  }
  if (exhausted) withdrawFunction(next);
  return next;
}

function withdrawFunction(request: MessagesRequest): void {
  const tools = request.tools?.filter(
    (tool) => tool.name !== WEB_SEARCH_FUNCTION.name || tool.type,
  );
  if (tools?.length) {
    request.tools = tools;
    return;
  }
  delete request.tools;
  delete request.tool_choice;
}

/**
 * History from earlier answers: each `server_tool_use` becomes a `web_search` call and each
 * `web_search_tool_result` its result in the following user turn, so that providers which pair
 * calls with results (all of them) accept the conversation.
 */
export function historyToFunctions(messages: readonly MessageParam[]): MessageParam[] {
  const out: MessageParam[] = [];
  for (const message of messages) {
    if (
      message.role !== 'assistant' ||
      typeof message.content === 'string' ||
      !message.content.some(isServerBlock)
    ) {
      append(out, message);
      continue;
    }
    let calls: ContentBlock[] = [];
    let results: ContentBlock[] = [];
    const flush = () => {
      if (calls.length) append(out, { role: 'assistant', content: calls });
      if (results.length) append(out, { role: 'user', content: results });
      calls = [];
      results = [];
    };
    for (const block of message.content) {
      if (block.type === 'server_tool_use' && block.name === 'web_search') {
        calls.push({ type: 'tool_use', id: block.id, name: 'web_search', input: block.input });
      } else if (block.type === 'web_search_tool_result') {
        results.push({
          type: 'tool_result',
          tool_use_id: block.tool_use_id,
          content: historyText(block),
        });
      } else {
        if (results.length) flush();
        calls.push(block);
      }
    }
    flush();
  }
  return out;
}

const isServerBlock = (block: ContentBlock): boolean =>
  (block.type === 'server_tool_use' && block.name === 'web_search') ||
  block.type === 'web_search_tool_result';

/** Adds a message, merged into the previous one when both are user turns with blocks. */
function append(out: MessageParam[], message: MessageParam): void {
  const last = out.at(-1);
  if (last?.role === 'user' && message.role === 'user' && Array.isArray(last.content)) {
    const more =
      typeof message.content === 'string'
        ? [{ type: 'text' as const, text: message.content }]
        : message.content;
    out[out.length - 1] = { ...last, content: [...last.content, ...more] };
    return;
  }
  out.push(message);
}

/** An earlier search's results as the model reads them: ccproxy's packed hits in full, others by title. */
function historyText(block: WebSearchToolResultBlock): string {
  if (!Array.isArray(block.content)) return `The web search failed (${block.content.error_code}).`;
  return block.content
    .map((result) => {
      const hit = decodeHit(result.encrypted_content);
      return hit
        ? `${hit.title}\nURL: ${hit.url}\n${hit.content}`
        : `${result.title}\nURL: ${result.url}`;
    })
    .join('\n\n');
}
