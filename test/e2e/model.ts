/**
 * The scripted model, independent of any wire format: a scenario reads a `RequestView` (what a
 * model would attend to in the request) and answers with a `Turn`; `wire/*` translate both.
 */

/** One tool call the model makes. */
export interface ToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** What the scripted model says in one response. */
export interface Turn {
  thinking?: string;
  text?: string;
  calls?: ToolCall[];
  /**
   * A search the model ran itself, as Anthropic's server tool does (native wire only): it opens
   * the answer as `server_tool_use` + `web_search_tool_result` blocks.
   */
  search?: { query: string; results: { url: string; title: string }[] };
  /** Prompt tokens to report; large values push Claude Code into compaction. Default: a small count. */
  inputTokens?: number;
}

/** A tool result as the model sees it in the latest user turn. */
export interface ToolResultView {
  /** The call id as it travels on this wire (tool_use id, tool_call_id, call_id, functionResponse id). */
  id: string;
  text: string;
  images: number;
}

/** Why Claude Code sent the request. */
export type RequestKind = 'main' | 'web-search' | 'compact' | 'side';

/** The parts of a request a scenario reacts to and asserts on, decoded from any wire format. */
export interface RequestView {
  kind: RequestKind;
  /** The model name as the upstream received it. */
  model: string;
  system: string;
  /** Names of the function tools offered. */
  tools: string[];
  /** The latest user turn's text (not tool results). */
  userText: string;
  /** The latest user turn's tool results, in order. */
  results: ToolResultView[];
  /** Ids of the calls in the latest assistant turn, in order (to check results are paired). */
  calls: string[];
  /** Assistant turns with tool calls so far: the scenario's step counter. */
  rounds: number;
  /** Images anywhere in the request (user parts or tool results). */
  images: number;
  /** Every text of the request, joined: for "did the upstream see X" assertions. */
  allText: string;
  /**
   * Reasoning tokens the upstream minted and gets back in the history (Anthropic thinking
   * signatures, Gemini thought signatures, Responses encrypted reasoning); OpenAI Chat has none.
   */
  signatures: string[];
}

/** Classifies a request by the prompts Claude Code uses for its side calls. */
export function requestKind(system: string, userText: string): RequestKind {
  if (/^Perform a web search for the query:/m.test(userText)) return 'web-search';
  if (
    /CRITICAL: Respond with TEXT ONLY|create a detailed summary of the conversation/i.test(userText)
  )
    return 'compact';
  if (/generate a (concise|short) .*title|sentence-case title|isNewTopic/i.test(system + userText))
    return 'side';
  return 'main';
}

/** A tool-call id unique within one scripted upstream, valid on every wire. */
export const callId = (round: number, index: number): string => `call_e2e_${round}_${index}`;
