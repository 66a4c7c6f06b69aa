/**
 * The Gemini API wire format ccproxy speaks (PROTOCOL §8), restated from the Gemini API reference
 * (`models.generateContent`, `Content`, `Part`, `GenerateContentResponse`, `UsageMetadata`) and
 * `@google/genai`'s `src/types.ts`. Only the fields ccproxy reads or writes.
 */

export interface FunctionCall {
  id?: string;
  name: string;
  args?: Record<string, unknown>;
}

export interface FunctionResponse {
  id?: string;
  name: string;
  response: Record<string, unknown>;
}

export interface Part {
  text?: string;
  /** The text is a thought summary. */
  thought?: boolean;
  /** Opaque; must come back on the same part of the next request (§8.4). */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  functionCall?: FunctionCall;
  functionResponse?: FunctionResponse;
}

export interface Content {
  role: 'user' | 'model';
  parts: Part[];
}

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface ThinkingConfig {
  thinkingBudget?: number;
  thinkingLevel?: 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  includeThoughts?: boolean;
}

export interface GenerateContentRequest {
  contents: Content[];
  systemInstruction?: { parts: Part[] };
  tools?: { functionDeclarations: FunctionDeclaration[] }[];
  toolConfig?: {
    functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] };
  };
  generationConfig?: {
    maxOutputTokens?: number;
    stopSequences?: string[];
    temperature?: number;
    topP?: number;
    topK?: number;
    thinkingConfig?: ThinkingConfig;
    responseMimeType?: string;
    responseJsonSchema?: unknown;
  };
}

export interface UsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
}

export interface GenerateContentResponse {
  candidates?: {
    content?: { role?: string; parts?: Part[] };
    finishReason?: string;
    index?: number;
  }[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: UsageMetadata;
  modelVersion?: string;
  responseId?: string;
  /** An error delivered inside the stream. */
  error?: GeminiError;
}

export interface GeminiError {
  code?: number;
  message?: string;
  status?: string;
  details?: { '@type'?: string; reason?: string; retryDelay?: string; [key: string]: unknown }[];
}
