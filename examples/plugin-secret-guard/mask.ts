import type { ContentBlock, MessageParam, MessagesRequest, TextBlock } from 'ccproxy';

// A secret starts at a word boundary: "task-list-…" must not read as an `sk-` key.
const EDGE = '(?<![A-Za-z0-9_-])';
/** OpenAI/Anthropic keys (`sk-…`, `sk-ant-…`), AWS access key ids, GitHub tokens. */
const SOURCE = `${EDGE}(?:sk-[A-Za-z0-9_-]{16,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,})`;
const ANY = new RegExp(SOURCE);
const ALL = new RegExp(SOURCE, 'g');
/**
 * A trailing word that a following delta could turn into a secret: a prefix of `sk-`, `AKIA` or
 * `gh?_`, or one of those followed by secret characters so far.
 */
const OPEN_TAIL = new RegExp(
  `${EDGE}(?:s|sk|sk-[A-Za-z0-9_-]*|A|AK|AKI|AKIA[0-9A-Z]*|g|gh|gh[pousr]|gh[pousr]_[A-Za-z0-9]*)$`,
);

/** `text` with every secret replaced by `mask`; the same string when there is none. */
export function maskText(text: string, mask: string): string {
  return ANY.test(text) ? text.replace(ALL, mask) : text;
}

/** How many trailing characters of `text` to hold back until the next delta shows what they are. */
export function openTail(text: string): number {
  return OPEN_TAIL.exec(text)?.[0].length ?? 0;
}

/**
 * The request with secrets masked in the system prompt, text blocks and tool results. Copy on
 * write: an unchanged request is returned as is, so an adapter may still send the received bytes.
 */
export function maskRequest(request: MessagesRequest, mask: string): MessagesRequest {
  const system = maskSystem(request.system, mask);
  const messages = mapSame(request.messages, (m) => maskMessage(m, mask));
  if (system === request.system && messages === request.messages) return request;
  return { ...request, system, messages };
}

function maskSystem(system: MessagesRequest['system'], mask: string): MessagesRequest['system'] {
  if (typeof system === 'string') return maskText(system, mask);
  return system && mapSame(system, (b) => maskBlock(b, mask) as TextBlock);
}

function maskMessage(message: MessageParam, mask: string): MessageParam {
  const content = maskContent(message.content, mask);
  return content === message.content ? message : { ...message, content };
}

function maskContent(content: string | ContentBlock[], mask: string): string | ContentBlock[] {
  return typeof content === 'string'
    ? maskText(content, mask)
    : mapSame(content, (b) => maskBlock(b, mask));
}

function maskBlock(block: ContentBlock, mask: string): ContentBlock {
  if (block.type === 'text') {
    const text = maskText(block.text, mask);
    return text === block.text ? block : { ...block, text };
  }
  if (block.type === 'tool_result' && block.content !== undefined) {
    const content = maskContent(block.content, mask);
    return content === block.content ? block : { ...block, content };
  }
  return block;
}

/** `items.map(change)`, or `items` itself when no item changed. */
function mapSame<T>(items: T[], change: (item: T) => T): T[] {
  let copy: T[] | undefined;
  items.forEach((item, i) => {
    const changed = change(item);
    if (changed !== item) (copy ??= [...items])[i] = changed;
  });
  return copy ?? items;
}
