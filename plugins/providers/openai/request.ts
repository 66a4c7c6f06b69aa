import type { Effort, MessagesRequest, Tool, ToolChoice } from '../../../core/index.ts';
import type { ToolNames } from '../shared/tool-names.ts';
import { toChatMessages } from './messages.ts';
import type { ChatRequest, ChatTool, ChatToolChoice } from './types.ts';
import type { VendorProfile } from './vendors.ts';

/** Everything besides the Anthropic request that shapes the upstream body. */
export interface ChatRequestOptions {
  /** The upstream model name (`ctx.target.model`). */
  model: string;
  profile: VendorProfile;
  /** Ask the upstream to stream. */
  stream: boolean;
  /** Receives every tool name, so responses map shortened names back (C11). */
  names: ToolNames;
  /** Clamp of `max_tokens` (`MAX_TOKENS_LIMIT` / `MIN_TOKENS_LIMIT`). Default: none. */
  maxTokens?: { max?: number; min?: number };
  /** Send reasoning parameters; off when an upstream rejected them. Default true. */
  reasoning?: boolean;
  /** Send `stream_options`; off when an upstream rejected it. Default: the profile's. */
  streamOptions?: boolean;
}

/** Anthropic Messages request → Chat Completions body (PROTOCOL §7.1; checklist C1–C22). Pure. */
export function toChatRequest(request: MessagesRequest, options: ChatRequestOptions): ChatRequest {
  const { profile, model } = options;
  const reasoning =
    options.reasoning !== false &&
    profile.reasoning !== 'none' &&
    (profile.reasoningModels?.test(model) ?? true);
  // A `…reasoner` model thinks whatever the request says (DeepSeek), so it is in thinking mode too.
  const thinkingOn =
    (request.thinking !== undefined && request.thinking.type !== 'disabled') ||
    /reasoner/i.test(model);
  const body: ChatRequest = {
    model,
    messages: toChatMessages(request.system, request.messages, {
      profile,
      names: options.names,
      replayReasoning: profile.replayReasoning && thinkingOn,
    }),
    stream: options.stream,
  };
  if (options.stream && (options.streamOptions ?? profile.streamOptions))
    body.stream_options = { include_usage: true };
  const maxTokens = clamp(request.max_tokens, options.maxTokens);
  const restricted = profile.completionTokenModels?.test(model) ?? false;
  if (restricted) body.max_completion_tokens = maxTokens;
  else body.max_tokens = maxTokens;
  if (!restricted) {
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.top_p !== undefined) body.top_p = request.top_p;
  }
  if (request.stop_sequences?.length) body.stop = request.stop_sequences.slice(0, 4);
  addTools(body, request, options.names);
  if (reasoning) addReasoning(body, request, profile);
  const format = request.output_config?.format;
  if (format?.type === 'json_schema') {
    // Not `strict`: OpenAI's strict mode rejects schemas outside its subset, Anthropic's does not.
    body.response_format = {
      type: 'json_schema',
      json_schema: { name: 'output', schema: format.schema },
    };
  }
  if (profile.usageAccounting) body.usage = { include: true };
  return body;
}

function clamp(value: number, limits: ChatRequestOptions['maxTokens'] = {}): number {
  let tokens = Math.max(1, value); // `max_tokens: 0` (a cache pre-warm) is illegal upstream
  if (limits.max !== undefined) tokens = Math.min(tokens, limits.max);
  if (limits.min !== undefined) tokens = Math.max(tokens, limits.min);
  return tokens;
}

/**
 * Custom tools become functions (C10); tools without `input_schema` (server tools such as
 * `web_search_20250305`, Anthropic-schema tools) would reach the model as parameterless
 * functions that do nothing, so they are left out (C17).
 */
function addTools(body: ChatRequest, request: MessagesRequest, names: ToolNames): void {
  const tools: ChatTool[] = [];
  for (const tool of request.tools ?? [])
    if (isCustomTool(tool)) tools.push(toChatTool(tool, names));
  if (!tools.length) return;
  body.tools = tools;
  const choice = request.tool_choice;
  const mapped = choice ? toolChoice(choice, names, tools) : undefined;
  if (mapped) body.tool_choice = mapped;
  if (choice && 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use)
    body.parallel_tool_calls = false;
}

const isCustomTool = (tool: Tool): tool is Tool & { name: string } =>
  typeof tool.name === 'string' &&
  typeof tool.input_schema === 'object' &&
  tool.input_schema !== null;

function toChatTool(tool: Tool & { name: string }, names: ToolNames): ChatTool {
  const fn: ChatTool['function'] = {
    name: names.upstream(tool.name),
    parameters: tool.input_schema!,
  };
  if (tool.description) fn.description = tool.description;
  return { type: 'function', function: fn };
}

function toolChoice(
  choice: ToolChoice,
  names: ToolNames,
  tools: readonly ChatTool[],
): ChatToolChoice | undefined {
  switch (choice.type) {
    case 'auto':
      return 'auto';
    case 'any':
      return 'required';
    case 'none':
      return 'none';
    case 'tool': {
      const name = names.upstream(choice.name);
      // A forced server tool that was left out: let the model choose among the rest.
      if (!tools.some((tool) => tool.function.name === name)) return undefined;
      return { type: 'function', function: { name } };
    }
  }
}

/** `thinking` → the vendor's reasoning switch (C18; PROTOCOL §7.1). */
function addReasoning(body: ChatRequest, request: MessagesRequest, profile: VendorProfile): void {
  const thinking = request.thinking;
  if (!thinking) return;
  if (thinking.type === 'disabled') {
    if (profile.effortOff && profile.reasoning === 'effort')
      body.reasoning_effort = profile.effortOff;
    return;
  }
  const budget = thinking.type === 'enabled' ? thinking.budget_tokens : undefined;
  const effort =
    thinking.type === 'enabled'
      ? effortForBudget(budget ?? 0)
      : (request.output_config?.effort ?? 'high');
  switch (profile.reasoning) {
    case 'effort':
      body.reasoning_effort = supportedEffort(effort, profile);
      return;
    case 'openrouter':
      body.reasoning =
        budget !== undefined
          ? { max_tokens: budget }
          : { effort: supportedEffort(effort, profile) };
      return;
    case 'deepseek':
      body.thinking = { type: 'enabled' };
      return;
    case 'none':
      return;
  }
}

/** Budget buckets of PROTOCOL §7.1: < 2048 low, < 4096 medium, else high. */
export function effortForBudget(budget: number): Effort {
  if (budget < 2048) return 'low';
  if (budget < 4096) return 'medium';
  return 'high';
}

function supportedEffort(effort: Effort, profile: VendorProfile): string {
  if (effort === 'low' || effort === 'medium' || effort === 'high') return effort;
  return profile.extraEfforts.includes(effort) ? effort : 'high';
}
