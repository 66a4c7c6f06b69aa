/** Ollama's native chat API (`POST /api/chat`, `GET /api/tags`), as its docs/api.md describes it. */

/** A tool call: arguments are an object, not a JSON string as in Chat Completions. */
export interface OllamaToolCall {
  /** Some versions number the calls of one message. */
  id?: string;
  function: { name: string; arguments?: Record<string, unknown> | string; index?: number };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** The model's reasoning (thinking models with `think`). */
  thinking?: string;
  /** Base64 images, without a data-URL prefix. */
  images?: string[];
  tool_calls?: OllamaToolCall[];
  /** The tool a `tool` message answers. */
  tool_name?: string;
}

export interface OllamaTool {
  type: 'function';
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** Model parameters (the Modelfile's): only those an Anthropic request sets. */
export interface OllamaModelOptions {
  num_predict?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop?: string[];
}

export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  stream: boolean;
  tools?: OllamaTool[];
  think?: boolean;
  format?: Record<string, unknown>;
  options?: OllamaModelOptions;
}

/** One line of a streamed answer, or the whole answer (`stream: false`). */
export interface OllamaChatChunk {
  model?: string;
  message?: Partial<OllamaMessage>;
  done?: boolean;
  /** `stop`, `length`, `load`, `unload`; on the last chunk. */
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
  /** An error after the answer began: Ollama writes it as one more line. */
  error?: string;
}

/** `GET /api/tags`. */
export interface OllamaTags {
  models?: { name?: string; model?: string }[];
}
