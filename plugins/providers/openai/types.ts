/**
 * The OpenAI Chat Completions wire format as ccproxy sends and reads it (PROTOCOL §6), including
 * the fields compatible servers add (`reasoning_content`, `reasoning`, `x_groq`, vLLM's
 * `stop_reason`). Responses are read defensively: every field may be missing.
 */
import type { ReasoningDetail } from './reasoning-details.ts';

export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'file'; file: { file_data: string; filename: string } };

export interface ChatToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: ChatToolCall[];
      /** DeepSeek-style replay of the turn's reasoning (PROTOCOL §6.2). */
      reasoning_content?: string;
      /** OpenRouter's replay of the turn's reasoning details. */
      reasoning_details?: ReasoningDetail[];
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ChatTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type ChatToolChoice =
  'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  tools?: ChatTool[];
  tool_choice?: ChatToolChoice;
  parallel_tool_calls?: boolean;
  reasoning_effort?: string;
  /** OpenRouter's reasoning switch. */
  reasoning?: { effort?: string; max_tokens?: number; enabled?: boolean };
  /** DeepSeek's thinking-mode switch. */
  thinking?: { type: 'enabled' | 'disabled' };
  response_format?: { type: 'json_schema'; json_schema: { name: string; schema: unknown } };
  /** OpenRouter: ask for cost and cache figures in the final usage. */
  usage?: { include: boolean };
}

export interface ChatUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
  completion_tokens_details?: { reasoning_tokens?: number } | null;
  /** DeepSeek's cache hits. */
  prompt_cache_hit_tokens?: number;
}

export interface ChatToolCallDelta {
  index?: number;
  id?: string | null;
  type?: string;
  function?: { name?: string | null; arguments?: string | null };
}

export interface ChatDelta {
  role?: string;
  content?: string | null;
  refusal?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
  reasoning_details?: ReasoningDetail[] | null;
  tool_calls?: ChatToolCallDelta[] | null;
}

export interface ChatChunk {
  id?: string;
  model?: string;
  choices?: {
    index?: number;
    delta?: ChatDelta;
    finish_reason?: string | null;
    /** vLLM: the stop string that matched. */
    stop_reason?: string | number | null;
  }[];
  usage?: ChatUsage | null;
  x_groq?: { usage?: ChatUsage };
  error?: ChatErrorBody['error'];
}

export interface ChatResponse {
  id?: string;
  model?: string;
  choices?: {
    message?: {
      content?: string | null;
      refusal?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      reasoning_details?: ReasoningDetail[] | null;
      tool_calls?:
        { id?: string; type?: string; function?: { name?: string; arguments?: string } }[] | null;
    };
    finish_reason?: string | null;
    stop_reason?: string | number | null;
  }[];
  usage?: ChatUsage | null;
  x_groq?: { usage?: ChatUsage };
}

/** `{"error":{…}}`, or vLLM's top-level `{"object":"error","message",…}`. */
export interface ChatErrorBody {
  error?:
    | { message?: string; type?: string; code?: string | number | null; param?: string | null }
    | string;
  object?: string;
  message?: string;
  type?: string;
  code?: string | number | null;
}
