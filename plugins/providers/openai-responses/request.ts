import { createHash } from 'node:crypto';
import type {
  ContentBlock,
  MessageParam,
  MessagesRequest,
  ToolResultBlock,
} from '../../../core/index.ts';
import { readSignature } from '../shared/signature.ts';
import { systemText } from '../shared/system.ts';
import type { ToolNames } from '../shared/tool-names.ts';
import { upstreamToolId } from '../shared/tool-ids.ts';
import type { InputContent, InputItem, ResponsesRequest } from './types.ts';
import { readReasoningPayload } from './reasoning.ts';

/** The Responses API refuses a smaller `max_output_tokens`. */
const MIN_OUTPUT_TOKENS = 16;
const EFFORT = { low: 'low', medium: 'medium', high: 'high', xhigh: 'high', max: 'high' } as const;

export interface ResponsesRequestOptions {
  model: string;
  /** Tool names shortened for the upstream, mapped back in the answer. */
  names: ToolNames;
  /** The Claude Code session this request belongs to, for `prompt_cache_key` (J4). */
  session?: string;
  /** The model reasons (o-series, GPT-5, Codex): it takes `reasoning`, not sampling settings. */
  reasoning: boolean;
}

/** Model names of OpenAI's reasoning models, which reject `temperature` and take `reasoning`. */
export const isReasoningModel = (model: string): boolean =>
  /^(o\d|gpt-5|gpt-oss|codex)|codex/i.test(model);

/** An Anthropic request as a Responses API request (PROTOCOL §9; J1, J4). */
export function responsesRequest(
  request: MessagesRequest,
  options: ResponsesRequestOptions,
): ResponsesRequest {
  const body: ResponsesRequest = {
    model: options.model,
    input: inputItems(request.messages, options.names),
    stream: request.stream === true,
    // Stateless: nothing kept at OpenAI; reasoning replays through the client's history instead.
    store: false,
    max_output_tokens: Math.max(MIN_OUTPUT_TOKENS, request.max_tokens),
  };
  const instructions = systemText(request.system);
  if (instructions) body.instructions = instructions;
  const tools = (request.tools ?? []).flatMap((tool) =>
    tool.name && tool.input_schema
      ? [
          {
            type: 'function' as const,
            name: options.names.upstream(tool.name),
            ...(tool.description && { description: tool.description }),
            parameters: tool.input_schema,
            strict: false as const,
          },
        ]
      : [],
  );
  if (tools.length) {
    body.tools = tools;
    const choice = request.tool_choice;
    if (choice?.type === 'any') body.tool_choice = 'required';
    else if (choice?.type === 'none') body.tool_choice = 'none';
    else if (choice?.type === 'tool')
      body.tool_choice = { type: 'function', name: options.names.upstream(choice.name) };
    if (choice && choice.type !== 'none' && choice.disable_parallel_tool_use)
      body.parallel_tool_calls = false;
  }
  if (options.reasoning) {
    const reasoning = reasoningOf(request);
    if (reasoning) body.reasoning = reasoning;
    // Even at the model's default effort, its reasoning must replay through the client's history.
    body.include = ['reasoning.encrypted_content'];
  } else {
    // Reasoning models take only their default sampling; these go to the others.
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.top_p !== undefined) body.top_p = request.top_p;
  }
  const format = request.output_config?.format;
  if (format?.type === 'json_schema')
    body.text = {
      format: { type: 'json_schema', name: 'output', schema: format.schema, strict: false },
    };
  if (options.session) body.prompt_cache_key = promptCacheKey(options.session);
  return body;
}

function reasoningOf(request: MessagesRequest): ResponsesRequest['reasoning'] {
  const thinking = request.thinking;
  if (thinking?.type === 'enabled') {
    const budget = thinking.budget_tokens;
    return { effort: budget < 2048 ? 'low' : budget < 8192 ? 'medium' : 'high', summary: 'auto' };
  }
  if (thinking?.type === 'adaptive')
    return { effort: EFFORT[request.output_config?.effort ?? 'medium'], summary: 'auto' };
  return thinking?.type === 'disabled' ? { effort: 'low' } : undefined;
}

/**
 * One key per Claude Code conversation (J4): the same session always lands on the same cache
 * shard; hashed, so the session id itself is not sent.
 */
export const promptCacheKey = (session: string): string =>
  `ccp-${createHash('sha256').update(session).digest('hex').slice(0, 32)}`;

/**
 * The conversation as input items, in order (J1). A mid-conversation system message that lands
 * between calls and their outputs is moved after the outputs: each call is answered first.
 */
export function inputItems(messages: readonly MessageParam[], names: ToolNames): InputItem[] {
  const items: InputItem[] = [];
  let deferred: InputItem[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') assistantItems(message, names, items);
    else if (message.role === 'system' && items.at(-1)?.type === 'function_call')
      userItems(message, deferred);
    else {
      userItems(message, items, deferred);
      deferred = [];
    }
  }
  items.push(...deferred);
  return items;
}

/** Reasoning Responses produced comes back as a `reasoning` item; other thinking is dropped. */
function assistantItems(message: MessageParam, names: ToolNames, items: InputItem[]): void {
  const blocks: ContentBlock[] =
    typeof message.content === 'string'
      ? [{ type: 'text', text: message.content }]
      : message.content;
  for (const block of blocks) {
    if (block.type === 'text' && block.text) {
      items.push({
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: block.text }],
      });
    } else if (block.type === 'tool_use') {
      const args = JSON.stringify(block.input ?? {});
      items.push({
        type: 'function_call',
        call_id: upstreamToolId(block.id),
        name: names.upstream(block.name),
        arguments: args,
      });
    } else if (block.type === 'thinking') {
      const minted = readSignature(block.signature);
      const replay = minted?.kind === 'responses' ? readReasoningPayload(minted.payload) : null;
      if (!replay) continue;
      const summary = block.thinking
        ? [{ type: 'summary_text' as const, text: block.thinking }]
        : [];
      items.push({
        type: 'reasoning',
        id: replay.id,
        summary,
        encrypted_content: replay.encrypted,
      });
    }
  }
}

/** Tool outputs first, then messages held back for after them, then the turn's other content. */
function userItems(
  message: MessageParam,
  items: InputItem[],
  after: readonly InputItem[] = [],
): void {
  const role = message.role === 'system' ? 'developer' : 'user';
  const blocks: ContentBlock[] =
    typeof message.content === 'string'
      ? [{ type: 'text', text: message.content }]
      : message.content;
  const content: InputContent[] = [];
  for (const block of blocks) {
    if (block.type === 'tool_result') items.push(functionCallOutput(block));
    else content.push(...inputContent(block));
  }
  items.push(...after);
  if (content.length) items.push({ type: 'message', role, content });
}

function functionCallOutput(block: ToolResultBlock): InputItem {
  const inner =
    typeof block.content === 'string'
      ? [{ type: 'text' as const, text: block.content }]
      : (block.content ?? []);
  const parts = inner.flatMap(inputContent);
  const onlyText = parts.every((part) => part.type === 'input_text');
  const text = parts.map((part) => (part.type === 'input_text' ? part.text : '')).join('\n');
  const output = onlyText ? (block.is_error ? `Error: ${text}` : text) : parts;
  return { type: 'function_call_output', call_id: upstreamToolId(block.tool_use_id), output };
}

function inputContent(block: ContentBlock): InputContent[] {
  switch (block.type) {
    case 'text':
      return block.text ? [{ type: 'input_text', text: block.text }] : [];
    case 'image': {
      const source = block.source;
      if (source.type === 'base64')
        return [
          { type: 'input_image', image_url: `data:${source.media_type};base64,${source.data}` },
        ];
      return source.type === 'url' ? [{ type: 'input_image', image_url: source.url }] : [];
    }
    case 'document': {
      const source = block.source;
      if (source.type === 'base64' && source.data) {
        const file_data = `data:${source.media_type ?? 'application/pdf'};base64,${source.data}`;
        return [{ type: 'input_file', filename: block.title ?? 'document.pdf', file_data }];
      }
      return source.type === 'text' && source.data
        ? [{ type: 'input_text', text: source.data }]
        : [];
    }
    default:
      return [];
  }
}
