import type {
  ContentBlock,
  MessageParam,
  MessagesRequest,
  Tool,
  ToolResultBlock,
} from '../../../core/index.ts';
import { systemText } from '../shared/system.ts';
import { readSignature } from '../shared/signature.ts';
import { upstreamToolId } from '../shared/tool-ids.ts';
import { geminiParameters } from './schema.ts';
import type {
  Content,
  FunctionDeclaration,
  GenerateContentRequest,
  Part,
  ThinkingConfig,
} from './types.ts';

/** Gemini's documented value for a call part whose signature is unavailable (PROTOCOL §8.4, I7). */
export const BYPASS_SIGNATURE = 'skip_thought_signature_validator';
const MAX_STOP_SEQUENCES = 5;

/** An Anthropic request as a Gemini `GenerateContentRequest` for `model` (PROTOCOL §8.2). */
export function geminiRequest(request: MessagesRequest, model: string): GenerateContentRequest {
  const body: GenerateContentRequest = {
    contents: geminiContents(request.messages, isGemini3(model)),
  };
  const system = systemText(request.system);
  if (system) body.systemInstruction = { parts: [{ text: system }] };
  const declarations = (request.tools ?? []).flatMap(declaration);
  if (declarations.length) {
    body.tools = [{ functionDeclarations: declarations }];
    const toolConfig = functionCalling(request.tool_choice);
    if (toolConfig) body.toolConfig = toolConfig;
  }
  body.generationConfig = generationConfig(request, model);
  return body;
}

const isGemini3 = (model: string): boolean => /gemini-3/i.test(model);
/**
 * Models that take a `thinkingConfig` (2.5 and later); older ones reject it, and Claude Code sends
 * `thinking: adaptive` for every model name it does not know (PROTOCOL §1.6).
 */
const thinks = (model: string): boolean => /gemini-(2\.5|[3-9])/i.test(model);
/** The largest output of current Gemini models; Claude Code asks for 32 000 or 64 000. */
const MAX_OUTPUT_TOKENS = 65_536;

/**
 * Messages as Gemini contents (I3): `assistant` → `model`, mid-conversation `system` → a marked
 * user text, consecutive same-role turns merged, function responses first in their turn.
 */
export function geminiContents(messages: readonly MessageParam[], bypass: boolean): Content[] {
  const names = new Map<string, string>();
  for (const message of messages) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content)
      if (block.type === 'tool_use') names.set(block.id, block.name);
  }
  const contents: Content[] = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = role === 'model' ? modelParts(message, bypass) : userParts(message, names);
    if (!parts.length) continue;
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  for (const content of contents) {
    if (content.role === 'user')
      content.parts.sort((a, b) => Number(!a.functionResponse) - Number(!b.functionResponse));
  }
  return contents;
}

/**
 * An assistant turn's parts. A thinking block Gemini produced carries its thought signature in
 * its ccproxy signature; it goes back on the part that followed it (I6). Other providers'
 * thinking is dropped; a Gemini 3 call part left without a signature gets the bypass (I7).
 */
function modelParts(message: MessageParam, bypass: boolean): Part[] {
  if (typeof message.content === 'string')
    return message.content ? [{ text: message.content }] : [];
  const parts: Part[] = [];
  let pending: string | undefined;
  let signedCall = false;
  for (const block of message.content) {
    let part: Part | undefined;
    if (block.type === 'thinking') {
      const minted = readSignature(block.signature);
      if (minted?.kind === 'gemini' && minted.payload) pending = minted.payload;
    } else if (block.type === 'text' && block.text) part = { text: block.text };
    else if (block.type === 'tool_use') {
      part = {
        functionCall: {
          id: upstreamToolId(block.id),
          name: block.name,
          args: (block.input ?? {}) as Record<string, unknown>,
        },
      };
    }
    if (!part) continue;
    if (pending) part.thoughtSignature = pending;
    pending = undefined;
    if (part.functionCall) {
      if (!part.thoughtSignature && bypass && !signedCall) part.thoughtSignature = BYPASS_SIGNATURE;
      signedCall ||= part.thoughtSignature !== undefined;
    }
    parts.push(part);
  }
  return parts;
}

function userParts(message: MessageParam, names: ReadonlyMap<string, string>): Part[] {
  if (typeof message.content === 'string') {
    const text =
      message.role === 'system' ? `[System message] ${message.content}` : message.content;
    return text ? [{ text }] : [];
  }
  const parts: Part[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_result') parts.push(...functionResponse(block, names));
    else parts.push(...mediaOrText(block, message.role === 'system'));
  }
  return parts;
}

/** A `tool_result` → `functionResponse` named after the call (I4); images follow it as parts. */
function functionResponse(block: ToolResultBlock, names: ReadonlyMap<string, string>): Part[] {
  const inner =
    typeof block.content === 'string'
      ? [{ type: 'text' as const, text: block.content }]
      : (block.content ?? []);
  const text = inner.flatMap((b) => (b.type === 'text' ? [b.text] : [])).join('\n');
  const response = block.is_error ? { error: text } : { output: text };
  const name = names.get(block.tool_use_id) ?? block.tool_use_id;
  const media = inner.filter((b) => b.type !== 'text').flatMap((b) => mediaOrText(b, false));
  return [
    { functionResponse: { id: upstreamToolId(block.tool_use_id), name, response } },
    ...media,
  ];
}

function mediaOrText(block: ContentBlock, system: boolean): Part[] {
  switch (block.type) {
    case 'text':
      return block.text ? [{ text: system ? `[System message] ${block.text}` : block.text }] : [];
    case 'image':
    case 'document': {
      const source = block.source as {
        type: string;
        media_type?: string;
        data?: string;
        url?: string;
      };
      if (source.type === 'base64' && source.data)
        return [
          {
            inlineData: {
              mimeType: source.media_type ?? 'application/octet-stream',
              data: source.data,
            },
          },
        ];
      if (source.type === 'text' && source.data) return [{ text: source.data }];
      // Gemini reads only its own file URIs; a link is the most it can use.
      return source.url ? [{ text: `[${block.type}: ${source.url}]` }] : [];
    }
    default:
      return [];
  }
}

/** Custom tools only: server and Anthropic-schema tools have no function form here. */
function declaration(tool: Tool): FunctionDeclaration[] {
  if (!tool.name || !tool.input_schema) return [];
  const parameters = geminiParameters(tool.input_schema);
  return [
    {
      name: tool.name,
      ...(tool.description && { description: tool.description }),
      ...(parameters && { parameters }),
    },
  ];
}

function functionCalling(
  choice: MessagesRequest['tool_choice'],
): GenerateContentRequest['toolConfig'] {
  switch (choice?.type) {
    case 'any':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    default:
      return undefined;
  }
}

function generationConfig(
  request: MessagesRequest,
  model: string,
): GenerateContentRequest['generationConfig'] {
  const config: NonNullable<GenerateContentRequest['generationConfig']> = {};
  if (request.max_tokens > 0)
    config.maxOutputTokens = Math.min(request.max_tokens, MAX_OUTPUT_TOKENS);
  if (request.stop_sequences?.length)
    config.stopSequences = request.stop_sequences.slice(0, MAX_STOP_SEQUENCES);
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.top_p !== undefined) config.topP = request.top_p;
  if (request.top_k !== undefined) config.topK = request.top_k;
  const thinking = thinkingConfig(request, model);
  if (thinking) config.thinkingConfig = thinking;
  const format = request.output_config?.format;
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    config.responseJsonSchema = format.schema;
  }
  return config;
}

const LEVELS = { low: 'LOW', medium: 'MEDIUM', high: 'HIGH', xhigh: 'HIGH', max: 'HIGH' } as const;

/**
 * `thinking` as Gemini's config: a budget for 2.5 models, a level for Gemini 3 (which cannot turn
 * thinking off); disabled → budget 0 where a model allows it (Flash), else the model's default.
 */
function thinkingConfig(request: MessagesRequest, model: string): ThinkingConfig | undefined {
  const thinking = request.thinking;
  if (!thinks(model)) return undefined;
  const gemini3 = isGemini3(model);
  switch (thinking?.type) {
    case 'enabled':
      if (gemini3)
        return {
          thinkingLevel: thinking.budget_tokens < 8192 ? 'LOW' : 'HIGH',
          includeThoughts: true,
        };
      return { thinkingBudget: thinking.budget_tokens, includeThoughts: true };
    case 'adaptive': {
      const effort = request.output_config?.effort;
      if (gemini3)
        return { ...(effort && { thinkingLevel: LEVELS[effort] }), includeThoughts: true };
      return { thinkingBudget: -1, includeThoughts: true };
    }
    case 'disabled':
      return !gemini3 && /flash/i.test(model) ? { thinkingBudget: 0 } : undefined;
    default:
      return undefined;
  }
}
