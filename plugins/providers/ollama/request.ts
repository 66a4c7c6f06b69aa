import type {
  ContentBlock,
  MessageParam,
  MessagesRequest,
  Tool,
  ToolResultBlock,
} from '../../../core/index.ts';
import { readSignature } from '../shared/signature.ts';
import { systemText } from '../shared/system.ts';
import type { OllamaChatRequest, OllamaMessage, OllamaModelOptions, OllamaTool } from './types.ts';

/** What besides the Anthropic request shapes the body. */
export interface OllamaRequestOptions {
  /** The upstream model (`ctx.target.model`). */
  model: string;
  /** Send `think`; off once the model said it cannot think. Default true. */
  think?: boolean;
}

/** An Anthropic request as an Ollama `/api/chat` body. Pure. */
export function ollamaRequest(
  request: MessagesRequest,
  options: OllamaRequestOptions,
): OllamaChatRequest {
  const body: OllamaChatRequest = {
    model: options.model,
    messages: ollamaMessages(request),
    stream: request.stream === true,
  };
  const tools = request.tool_choice?.type === 'none' ? [] : (request.tools ?? []).flatMap(tool);
  if (tools.length) body.tools = tools;
  const thinking = request.thinking?.type;
  // Ollama refuses `think` for a model that cannot think: sent only when asked, dropped on refusal.
  if (options.think !== false && thinking && thinking !== 'disabled') body.think = true;
  else if (thinking === 'disabled') body.think = false;
  const format = request.output_config?.format;
  if (format?.type === 'json_schema') body.format = format.schema;
  body.options = modelOptions(request);
  return body;
}

function modelOptions(request: MessagesRequest): OllamaModelOptions {
  const options: OllamaModelOptions = {};
  if (request.max_tokens > 0) options.num_predict = request.max_tokens;
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.top_p !== undefined) options.top_p = request.top_p;
  if (request.top_k !== undefined) options.top_k = request.top_k;
  if (request.stop_sequences?.length) options.stop = request.stop_sequences;
  return options;
}

/** Custom tools in the OpenAI function shape Ollama takes; server tools have no form here. */
function tool(t: Tool): OllamaTool[] {
  if (!t.name || !t.input_schema) return [];
  const fn = { name: t.name, parameters: t.input_schema };
  return [
    { type: 'function', function: t.description ? { ...fn, description: t.description } : fn },
  ];
}

/** The system prompt first, then each message; tool results become `tool` messages. */
function ollamaMessages(request: MessagesRequest): OllamaMessage[] {
  const names = new Map<string, string>();
  for (const message of request.messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content)
      if (block.type === 'tool_use') names.set(block.id, block.name);
  }
  const system = systemText(request.system);
  const messages: OllamaMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const message of request.messages) {
    if (message.role === 'assistant') messages.push(assistantMessage(message));
    else messages.push(...userMessages(message, names));
  }
  return messages;
}

/** Text, the reasoning Ollama produced (thinking blocks it minted), and whole tool calls. */
function assistantMessage(message: MessageParam): OllamaMessage {
  const out: OllamaMessage = { role: 'assistant', content: '' };
  if (typeof message.content === 'string') return { ...out, content: message.content };
  for (const block of message.content) {
    if (block.type === 'text') out.content += block.text;
    else if (block.type === 'thinking' && readSignature(block.signature)?.kind === 'ollama')
      out.thinking = (out.thinking ?? '') + block.thinking;
    else if (block.type === 'tool_use') {
      const call = { function: { name: block.name, arguments: toArguments(block.input) } };
      (out.tool_calls ??= []).push(call);
    }
  }
  return out;
}

const toArguments = (input: unknown): Record<string, unknown> =>
  input && typeof input === 'object' ? (input as Record<string, unknown>) : {};

/**
 * A user (or system) turn: its tool results first, each a `tool` message named after its call,
 * then one message with the text and the images.
 */
function userMessages(message: MessageParam, names: ReadonlyMap<string, string>): OllamaMessage[] {
  const role = message.role === 'system' ? 'system' : 'user';
  if (typeof message.content === 'string') return [{ role, content: message.content }];
  const out: OllamaMessage[] = [];
  const turn: OllamaMessage = { role, content: '' };
  for (const block of message.content) {
    if (block.type === 'tool_result') out.push(toolMessage(block, names));
    else addContent(turn, block);
  }
  if (turn.content || turn.images) out.push(turn);
  return out;
}

function toolMessage(block: ToolResultBlock, names: ReadonlyMap<string, string>): OllamaMessage {
  const message: OllamaMessage = {
    role: 'tool',
    content: '',
    tool_name: names.get(block.tool_use_id) ?? block.tool_use_id,
  };
  if (typeof block.content === 'string') message.content = block.content;
  else for (const inner of block.content ?? []) addContent(message, inner);
  if (block.is_error) message.content = `Error: ${message.content}`;
  return message;
}

/** Text joins the message's content; a base64 image joins its `images`; a linked one is named. */
function addContent(message: OllamaMessage, block: ContentBlock): void {
  const text = (more: string) =>
    (message.content = message.content ? `${message.content}\n${more}` : more);
  if (block.type === 'text') return void (block.text && text(block.text));
  if (block.type !== 'image' && block.type !== 'document') return;
  const source = block.source as { type: string; data?: string; url?: string };
  if (block.type === 'image' && source.type === 'base64' && source.data)
    (message.images ??= []).push(source.data);
  else if (source.type === 'text' && source.data) text(source.data);
  // Ollama takes no URLs: a link is the most the model can use.
  else if (source.url) text(`[${block.type}: ${source.url}]`);
}
