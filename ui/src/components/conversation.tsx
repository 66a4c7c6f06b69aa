import type { ComponentChildren } from 'preact';

/**
 * A stored conversation rendered block by block. Every string from the model or the user goes
 * into the page as a text node (Preact escapes it): a prompt holding `<script>` shows as those
 * characters. Images are shown only from inline base64 data (a URL image would make the browser
 * call a third party: its address is shown as text instead).
 */

type Block = Record<string, unknown> & { type?: unknown };

const asBlocks = (content: unknown): Block[] =>
  typeof content === 'string'
    ? [{ type: 'text', text: content }]
    : Array.isArray(content)
      ? content.filter((b): b is Block => Boolean(b) && typeof b === 'object')
      : [];

const text = (value: unknown): string =>
  typeof value === 'string' ? value : JSON.stringify(value, null, 2);

const IMAGE_TYPE = /^image\/(png|jpeg|gif|webp)$/;

function Image({ block }: { block: Block }) {
  const source = (block.source ?? {}) as {
    type?: string;
    media_type?: string;
    data?: string;
    url?: string;
  };
  if (source.type === 'base64' && IMAGE_TYPE.test(source.media_type ?? '') && source.data) {
    // A thumbnail; a click shows it full width (browsers refuse to open data: URLs in a tab).
    return (
      <button
        type="button"
        class="thumb"
        aria-label="image: show larger"
        onClick={(event) => event.currentTarget.classList.toggle('large')}
      >
        <img
          alt="image sent in the conversation"
          src={`data:${source.media_type};base64,${source.data}`}
        />
      </button>
    );
  }
  return (
    <p class="muted">
      image {source.url ? `at ${source.url}` : `(${source.type ?? 'unknown source'})`}
    </p>
  );
}

function Labelled(props: { label: string; kind: string; children: ComponentChildren }) {
  return (
    <div class={`block block-${props.kind}`}>
      <div class="block-label">{props.label}</div>
      {props.children}
    </div>
  );
}

/** One content block. */
export function ContentBlock({ block }: { block: Block }) {
  switch (block.type) {
    case 'text':
      return <div class="block block-text">{text(block.text)}</div>;
    case 'thinking':
      return (
        <details class="block block-thinking">
          <summary>thinking</summary>
          <div>{text(block.thinking)}</div>
        </details>
      );
    case 'redacted_thinking':
      return (
        <Labelled label="thinking (redacted by the provider)" kind="thinking">
          {''}
        </Labelled>
      );
    case 'image':
      return <Image block={block} />;
    case 'tool_use':
    case 'server_tool_use':
      return (
        <Labelled label={`tool call: ${text(block.name)}`} kind="tool">
          <pre>{text(block.input)}</pre>
        </Labelled>
      );
    case 'tool_result':
      return (
        <Labelled label={block.is_error ? 'tool result (error)' : 'tool result'} kind="tool">
          {asBlocks(block.content).map((inner) => (
            <ContentBlock block={inner} />
          ))}
        </Labelled>
      );
    default:
      return (
        <Labelled label={text(block.type ?? 'block')} kind="other">
          <pre>{text(block)}</pre>
        </Labelled>
      );
  }
}

/** One message: its role and its blocks. */
export function MessageView({ role, content }: { role: string; content: unknown }) {
  return (
    <div
      class={`message message-${role === 'assistant' ? 'assistant' : role === 'system' ? 'system' : 'user'}`}
    >
      <div class="role">{role}</div>
      {asBlocks(content).map((block) => (
        <ContentBlock block={block} />
      ))}
    </div>
  );
}

/** The system prompt, the messages, then the answer. */
export function Conversation(props: { system?: unknown; messages: unknown[]; response: unknown }) {
  const answer = props.response as { content?: unknown } | null;
  return (
    <div class="conversation">
      {props.system !== undefined && props.system !== null && (
        <details class="message message-system">
          <summary class="role">system</summary>
          {asBlocks(props.system).map((block) => (
            <ContentBlock block={block} />
          ))}
        </details>
      )}
      {props.messages.map((message) => {
        const m = (message ?? {}) as { role?: unknown; content?: unknown };
        return <MessageView role={text(m.role ?? 'user')} content={m.content} />;
      })}
      {answer ? (
        <MessageView role="assistant" content={answer.content} />
      ) : (
        <p class="muted">No answer was recorded.</p>
      )}
    </div>
  );
}
