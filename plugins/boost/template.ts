import type { ContentBlock, JsonSchema, MessagesRequest, Tool } from '../../core/index.ts';
import { isAttributionBlock } from '../providers/shared/system.ts';

/**
 * The planner prompt. The three formats are the protocol users of the Python proxy know; the
 * placeholders are filled by `renderPrompt`.
 */
export const DEFAULT_TEMPLATE = `You plan for an assistant (the executor) that can call tools; you cannot call tools yourself.
Answer in exactly ONE of these formats.

FORMAT 1, when the request needs no tool: answer it yourself.
SUMMARY:
<the complete answer for the user>

FORMAT 2, when tools are needed: direct the executor.
ANALYSIS:
<what the user wants, what is known so far, what is uncertain, the best path>

GUIDANCE:
<which tools the executor should call next, in which order, with which arguments>

Any other reply is discarded and you are asked again.

---
Planning loop: {loop_count}
Previous attempts:
{previous_attempts}

User request:
{user_request}

Available tools:
{tools_text}`;

/** What one planner prompt is made of. */
export interface PromptInput {
  /** 1 for the first planner call. */
  loop: number;
  /** One line per earlier attempt of this request; empty on the first. */
  previousAttempts: readonly string[];
  userRequest: string;
  toolsText: string;
}

const PLACEHOLDER = /\{(loop_count|previous_attempts|user_request|tools_text)\}/g;

/**
 * Fills `{loop_count}`, `{previous_attempts}`, `{user_request}` and `{tools_text}` in one pass: other
 * braces (JSON examples in a custom template) stay as written, and a placeholder inside a filled
 * value (a user quoting one) is not expanded again.
 */
export function renderPrompt(template: string, input: PromptInput): string {
  const values: Record<string, string> = {
    loop_count: String(input.loop),
    previous_attempts: input.previousAttempts.length
      ? input.previousAttempts.map((a) => `- ${a}`).join('\n')
      : 'None',
    user_request: input.userRequest,
    tools_text: input.toolsText,
  };
  return template.replace(PLACEHOLDER, (_, name: string) => values[name]!);
}

/** A custom template, or ours when it is absent or whitespace only. */
export const pickTemplate = (custom: string | undefined): string =>
  custom?.trim() ? custom : DEFAULT_TEMPLATE;

// Claude Code's tool descriptions run to several KB of usage notes; the planner needs what a tool
// does, which the first paragraph says.
const DESCRIPTION_CHARS = 600;

/**
 * Every tool as the planner reads it, from the original Anthropic definitions: name, the
 * description's first paragraph, and each parameter with its type and whether it is required.
 */
export function describeTools(tools: readonly Tool[]): string {
  if (!tools.length) return 'No tools available';
  return tools.map(describeTool).join('\n');
}

function describeTool(tool: Tool): string {
  const name = tool.name ?? tool.type ?? 'unnamed';
  if (!tool.input_schema)
    return `- ${name}: a tool run by the provider (${tool.type ?? 'server tool'})`;
  const lines = [`- ${name}: ${firstParagraph(tool.description ?? 'No description')}`];
  const properties = (tool.input_schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((tool.input_schema.required as string[] | undefined) ?? []);
  const names = Object.keys(properties);
  if (!names.length) lines.push('  Parameters: none');
  for (const param of names) {
    const schema = properties[param]!;
    const description =
      typeof schema.description === 'string' ? ` - ${firstParagraph(schema.description)}` : '';
    lines.push(
      `  - ${param}: ${typeName(schema)} (${required.has(param) ? 'required' : 'optional'})${description}`,
    );
  }
  return lines.join('\n');
}

/** A JSON Schema's type in a few words: `string`, `array of string`, `"a" | "b"`, `integer | null`. */
export function typeName(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(variants)) return variants.map(typeName).join(' | ');
  const type = schema.type;
  if (Array.isArray(type)) return type.join(' | ');
  if (type === 'array' && schema.items && typeof schema.items === 'object') {
    return `array of ${typeName(schema.items as JsonSchema)}`;
  }
  return typeof type === 'string' ? type : 'any';
}

function firstParagraph(text: string): string {
  const paragraph = text
    .trim()
    .split(/\n\s*\n/)[0]!
    .replace(/\s+/g, ' ');
  return clip(paragraph, DESCRIPTION_CHARS);
}

const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

const SYSTEM_GIST_CHARS = 800;
const RESULT_CHARS = 400;

/**
 * The request as the planner reads it: the conversation's last user text, the system prompt's
 * gist, and the tool calls made since that text with their (clipped) results. Without the latter
 * a Claude Code tool loop would be planned from scratch on every turn.
 */
export function describeRequest(request: MessagesRequest): string {
  const parts: string[] = [];
  const gist = systemGist(request.system);
  if (gist) parts.push(`System prompt (gist): ${gist}`);
  const { text, progress } = lastUserTurn(request.messages);
  parts.push(text || '(no user text)');
  if (progress.length) parts.push(`Progress since that request:\n${progress.join('\n')}`);
  return parts.join('\n\n');
}

/**
 * The system prompt's texts without Claude Code's attribution block, which changes on every
 * request and says nothing to a planner.
 */
export function systemTexts(system: MessagesRequest['system']): string[] {
  const blocks = typeof system === 'string' ? [system] : (system ?? []).map((b) => b.text);
  return blocks.filter((text) => !isAttributionBlock(text));
}

function systemGist(system: MessagesRequest['system']): string {
  return clip(systemTexts(system).join('\n').trim().replace(/\s+/g, ' '), SYSTEM_GIST_CHARS);
}

function lastUserTurn(messages: MessagesRequest['messages']): { text: string; progress: string[] } {
  const progress: string[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    const blocks: ContentBlock[] =
      typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : message.content;
    const text = blocks
      .flatMap((b) => (b.type === 'text' ? [b.text] : []))
      .join('\n')
      .trim();
    if (message.role === 'user' && text) return { text, progress };
    progress.unshift(...blocks.flatMap(describeStep));
  }
  return { text: '', progress };
}

function describeStep(block: ContentBlock): string[] {
  if (block.type === 'tool_use')
    return [`- called ${block.name} ${clip(JSON.stringify(block.input ?? {}), RESULT_CHARS)}`];
  if (block.type !== 'tool_result') return [];
  const content =
    typeof block.content === 'string'
      ? block.content
      : (block.content ?? [])
          .flatMap((b) => (b.type === 'text' ? [b.text] : [`[${b.type}]`]))
          .join('\n');
  return [
    `- ${block.is_error ? 'error' : 'result'}: ${clip(content.replace(/\s+/g, ' ').trim(), RESULT_CHARS)}`,
  ];
}
