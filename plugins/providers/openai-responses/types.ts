/**
 * The OpenAI Responses API wire format ccproxy speaks (PROTOCOL §9), restated from the API
 * reference (`POST /v1/responses`, its input items and streaming events) and openai-node's
 * `src/resources/responses/responses.ts`. Only the fields ccproxy reads or writes.
 */

export type InputContent =
  | { type: 'input_text'; text: string }
  | { type: 'input_image'; image_url: string; detail?: 'auto' }
  | { type: 'input_file'; filename: string; file_data: string }
  | { type: 'output_text'; text: string };

export type InputItem =
  | { type: 'message'; role: 'user' | 'assistant' | 'developer'; content: InputContent[] }
  | { type: 'function_call'; call_id: string; name: string; arguments: string }
  | { type: 'function_call_output'; call_id: string; output: string | InputContent[] }
  | {
      type: 'reasoning';
      id: string;
      summary: { type: 'summary_text'; text: string }[];
      encrypted_content: string;
    };

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
  strict: false;
}

export interface ResponsesRequest {
  model: string;
  instructions?: string;
  input: InputItem[];
  tools?: FunctionTool[];
  tool_choice?: 'auto' | 'required' | 'none' | { type: 'function'; name: string };
  parallel_tool_calls?: boolean;
  max_output_tokens?: number;
  temperature?: number;
  top_p?: number;
  reasoning?: { effort: 'low' | 'medium' | 'high'; summary?: 'auto' };
  include?: string[];
  text?: { format: { type: 'json_schema'; name: string; schema: unknown; strict: false } };
  stream: boolean;
  store: false;
  prompt_cache_key?: string;
}

/** An output item, as `response.output_item.added` / `.done` and a whole Response carry them. */
export interface OutputItem {
  type: 'message' | 'function_call' | 'reasoning' | (string & {});
  id?: string;
  call_id?: string;
  name?: string;
  arguments?: string;
  content?: { type: 'output_text' | 'refusal' | (string & {}); text?: string; refusal?: string }[];
  summary?: { type: 'summary_text'; text: string }[];
  encrypted_content?: string | null;
}

export interface ResponsesUsage {
  input_tokens?: number;
  input_tokens_details?: { cached_tokens?: number };
  output_tokens?: number;
  output_tokens_details?: { reasoning_tokens?: number };
}

export interface ResponseError {
  code?: string | null;
  message?: string;
}

/** A Response object: the non-streaming answer, and the payload of the final stream events. */
export interface ResponseObject {
  id?: string;
  status?: 'completed' | 'incomplete' | 'failed' | 'in_progress' | (string & {});
  output?: OutputItem[];
  usage?: ResponsesUsage | null;
  incomplete_details?: { reason?: 'max_output_tokens' | 'content_filter' | (string & {}) } | null;
  error?: ResponseError | null;
}

/** The streaming events ccproxy reads; others (`*.done`, `content_part.*`) carry nothing new. */
export type ResponsesEvent =
  | { type: 'response.created' | 'response.in_progress'; response: ResponseObject }
  | {
      type: 'response.output_item.added' | 'response.output_item.done';
      output_index?: number;
      item: OutputItem;
    }
  | {
      type: 'response.output_text.delta' | 'response.refusal.delta';
      item_id?: string;
      delta: string;
    }
  | {
      type: 'response.function_call_arguments.delta';
      item_id?: string;
      output_index?: number;
      delta: string;
    }
  | {
      type: 'response.reasoning_summary_text.delta' | 'response.reasoning_text.delta';
      item_id?: string;
      summary_index?: number;
      delta: string;
    }
  | { type: 'response.reasoning_summary_part.added'; item_id?: string; summary_index?: number }
  | {
      type: 'response.completed' | 'response.incomplete' | 'response.failed';
      response: ResponseObject;
    }
  | { type: 'error'; code?: string | null; message?: string }
  | { type: string; [key: string]: unknown };
