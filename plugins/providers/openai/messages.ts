import {
  ProxyError,
  type ContentBlock,
  type DocumentBlock,
  type ImageBlock,
  type MessageParam,
  type ToolResultBlock,
} from '../../../core/index.ts';
import { systemText } from '../shared/system.ts';
import { upstreamToolId } from '../shared/tool-ids.ts';
import type { ToolNames } from '../shared/tool-names.ts';
import { detailsFromSignature, type ReasoningDetail } from './reasoning-details.ts';
import type { ChatContentPart, ChatMessage, ChatToolCall } from './types.ts';
import type { VendorProfile } from './vendors.ts';

/** What converting the history needs besides the messages. */
export interface MessageContext {
  profile: VendorProfile;
  names: ToolNames;
  /** DeepSeek thinking mode: past tool-call turns carry `reasoning_content` (C19). */
  replayReasoning: boolean;
}

/**
 * Anthropic `system` + `messages` → Chat Completions messages (PROTOCOL §7.2, C1–C9): one leading
 * system message; per user turn the tool messages first, in call order, then images from tool
 * results, then the turn's other content; per assistant turn one message with text and calls.
 */
export function toChatMessages(
  system: Parameters<typeof systemText>[0],
  messages: readonly MessageParam[],
  context: MessageContext,
): ChatMessage[] {
  const out: ChatMessage[] = [];
  const text = systemText(system);
  if (text) out.push({ role: 'system', content: text });
  // A mid-conversation system message must not split calls from their tool messages (A7).
  const deferred: ChatMessage[] = [];
  for (const message of messages) {
    if (message.role === 'assistant') {
      const turn = assistantMessage(message.content, context);
      out.push(...deferred.splice(0));
      if (turn) out.push(turn);
    } else if (message.role === 'system') {
      const note: ChatMessage = { role: 'system', content: joinText(blocksOf(message.content)) };
      const last = out.at(-1);
      if (deferred.length || (last?.role === 'assistant' && last.tool_calls)) deferred.push(note);
      else out.push(note);
    } else {
      userMessages(message.content, context, out, deferred);
    }
  }
  out.push(...deferred);
  return out;
}

const blocksOf = (content: string | ContentBlock[]): ContentBlock[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content;

function joinText(blocks: readonly ContentBlock[]): string {
  let text = '';
  for (const block of blocks)
    if (block.type === 'text' && block.text) text = text ? `${text}\n\n${block.text}` : block.text;
  return text;
}

/** One assistant turn; null when nothing of it can be sent (only thinking, or server-tool blocks). */
function assistantMessage(
  content: string | ContentBlock[],
  context: MessageContext,
): ChatMessage | null {
  const blocks = blocksOf(content);
  const calls: ChatToolCall[] = [];
  const details: ReasoningDetail[] = [];
  let reasoning = '';
  for (const block of blocks) {
    if (block.type === 'tool_use') {
      calls.push({
        id: upstreamToolId(block.id, context.profile.toolIds),
        type: 'function',
        function: {
          name: context.names.upstream(block.name),
          arguments: JSON.stringify(block.input ?? {}),
        },
      });
    } else if (block.type === 'thinking') {
      reasoning += block.thinking;
      if (context.profile.reasoningDetails) details.push(...detailsFromSignature(block.signature));
    }
  }
  const text = joinText(blocks);
  const replay = context.replayReasoning && (calls.length > 0 || reasoning !== '');
  // Many servers reject an empty assistant message; a turn with nothing to send is left out.
  if (!text && !calls.length && !replay && !details.length) return null;
  const message: ChatMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) message.tool_calls = calls;
  if (replay) message.reasoning_content = reasoning;
  if (details.length) message.reasoning_details = details;
  return message;
}

/** One user turn: tool messages, then a user message with tool-result images, then the rest. */
function userMessages(
  content: string | ContentBlock[],
  context: MessageContext,
  out: ChatMessage[],
  deferred: ChatMessage[],
): void {
  if (typeof content === 'string') {
    out.push(...deferred.splice(0), { role: 'user', content });
    return;
  }
  const resultParts: ChatContentPart[] = [];
  const parts: ChatContentPart[] = [];
  for (const block of content) {
    if (block.type === 'tool_result') {
      out.push(toolMessage(block, context, resultParts));
      continue;
    }
    const part = userPart(block);
    if (part) parts.push(part);
  }
  out.push(...deferred.splice(0));
  if (resultParts.length) out.push({ role: 'user', content: resultParts });
  if (parts.length) out.push({ role: 'user', content: compact(parts) });
}

/** Strings where possible: older vLLM/Ollama templates and DeepSeek take only string content. */
function compact(parts: ChatContentPart[]): string | ChatContentPart[] {
  if (!parts.every((part) => part.type === 'text')) return parts;
  return parts.map((part) => (part as { text: string }).text).join('\n\n');
}

function toolMessage(
  block: ToolResultBlock,
  context: MessageContext,
  media: ChatContentPart[],
): ChatMessage {
  const id = upstreamToolId(block.tool_use_id, context.profile.toolIds);
  let text = '';
  const inner =
    typeof block.content === 'string'
      ? [{ type: 'text' as const, text: block.content }]
      : (block.content ?? []);
  const mediaBefore = media.length;
  for (const part of inner) {
    if (part.type === 'text') text = text ? `${text}\n${part.text}` : part.text;
    else {
      const converted = userPart(part);
      if (converted?.type === 'text') text = text ? `${text}\n${converted.text}` : converted.text;
      else if (converted) media.push(converted);
    }
  }
  if (media.length > mediaBefore) {
    // Tool messages cannot hold images (PROTOCOL §6.1): they follow in a user message, named.
    media.splice(mediaBefore, 0, { type: 'text', text: `Images returned by tool call ${id}:` });
  }
  if (block.is_error) text = `Error: ${text}`;
  return { role: 'tool', tool_call_id: id, content: text };
}

/** A user-side block as a Chat content part; null for blocks a translated upstream cannot use. */
function userPart(block: ContentBlock): ChatContentPart | null {
  if (block.type === 'text') return block.text ? { type: 'text', text: block.text } : null;
  if (block.type === 'image') return imagePart(block);
  if (block.type === 'document') return documentPart(block);
  if ((block.type as string) === 'search_result') {
    return { type: 'text', text: searchResultText(block) };
  }
  // thinking, server-tool artefacts and other Anthropic-only blocks: nothing to send.
  return null;
}

function imagePart(block: ImageBlock): ChatContentPart {
  const source = block.source;
  if (source.type === 'base64')
    return {
      type: 'image_url',
      image_url: { url: `data:${source.media_type};base64,${source.data}` },
    };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url } };
  throw unmappable(`an image with a "${source.type}" source (Anthropic Files API)`);
}

function documentPart(block: DocumentBlock): ChatContentPart {
  const { source } = block;
  const title = block.title ? `${block.title}\n\n` : '';
  if (source.type === 'text' && typeof source.data === 'string')
    return { type: 'text', text: title + source.data };
  if (source.type === 'content' && Array.isArray(source.content)) {
    return { type: 'text', text: title + joinText(source.content as ContentBlock[]) };
  }
  if (source.type === 'base64' && source.data) {
    const filename = `${block.title ?? 'document'}.pdf`;
    return {
      type: 'file',
      file: {
        file_data: `data:${source.media_type ?? 'application/pdf'};base64,${source.data}`,
        filename,
      },
    };
  }
  if (source.type === 'url' && source.url)
    return { type: 'text', text: `${title}[document: ${source.url}]` };
  throw unmappable(`a document with a "${source.type}" source (Anthropic Files API)`);
}

function searchResultText(block: { [key: string]: unknown }): string {
  const content = Array.isArray(block.content) ? joinText(block.content as ContentBlock[]) : '';
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return `${text(block.title)}\n${text(block.source)}\n\n${content}`.trim();
}

/** E13: a block that can be neither sent nor dropped without changing the meaning. */
function unmappable(what: string): ProxyError {
  return new ProxyError(
    'invalid_request_error',
    400,
    `This provider cannot receive ${what}; send the content inline instead`,
  );
}
