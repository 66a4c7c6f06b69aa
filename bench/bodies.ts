import { modeTag, type Mode } from './script.ts';

/**
 * Request bodies shaped like Claude Code's: a system prompt as an array of cached text blocks,
 * a history of tool_use/tool_result turns, and its tool definitions with real JSON schemas.
 */
export type BodySize = 'normal' | 'large';

const prose = (seed: number, bytes: number): string => {
  const words = [
    'the',
    'function',
    'returns',
    'a',
    'promise',
    'that',
    'resolves',
    'when',
    'stream',
    'ends',
    'config',
    'loads',
    'from',
    'disk',
    'and',
    'parses',
    'JSON',
    'schema',
    'error',
    'handler',
  ];
  let out = '';
  for (let i = seed; out.length < bytes; i++)
    out += words[(i * 7 + seed) % words.length] + (i % 13 === 12 ? '.\n' : ' ');
  return out.slice(0, bytes);
};

const SYSTEM = [
  { type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." },
  { type: 'text', text: prose(1, 2000), cache_control: { type: 'ephemeral' } },
];

const string = (description: string) => ({ type: 'string', description });
const TOOL_SPECS: [string, Record<string, unknown>, string[]][] = [
  [
    'Task',
    {
      description: string('A short description'),
      prompt: string('The task'),
      subagent_type: string('Agent type'),
    },
    ['description', 'prompt'],
  ],
  [
    'Bash',
    {
      command: string('The command'),
      timeout: { type: 'number', description: 'ms' },
      description: string('What it does'),
      run_in_background: { type: 'boolean' },
    },
    ['command'],
  ],
  ['Glob', { pattern: string('Glob pattern'), path: string('Directory') }, ['pattern']],
  [
    'Grep',
    {
      pattern: string('Regex'),
      path: string('Where'),
      glob: string('Filter'),
      output_mode: { type: 'string', enum: ['content', 'files_with_matches', 'count'] },
      '-i': { type: 'boolean' },
      '-n': { type: 'boolean' },
      head_limit: { type: 'number' },
    },
    ['pattern'],
  ],
  [
    'LS',
    { path: string('Absolute path'), ignore: { type: 'array', items: { type: 'string' } } },
    ['path'],
  ],
  ['ExitPlanMode', { plan: string('The plan') }, ['plan']],
  [
    'Read',
    { file_path: string('Absolute path'), offset: { type: 'number' }, limit: { type: 'number' } },
    ['file_path'],
  ],
  [
    'Edit',
    {
      file_path: string('Absolute path'),
      old_string: string('Text to replace'),
      new_string: string('Replacement'),
      replace_all: { type: 'boolean', default: false },
    },
    ['file_path', 'old_string', 'new_string'],
  ],
  [
    'MultiEdit',
    {
      file_path: string('Absolute path'),
      edits: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            old_string: { type: 'string' },
            new_string: { type: 'string' },
            replace_all: { type: 'boolean' },
          },
          required: ['old_string', 'new_string'],
        },
        minItems: 1,
      },
    },
    ['file_path', 'edits'],
  ],
  [
    'Write',
    { file_path: string('Absolute path'), content: string('File content') },
    ['file_path', 'content'],
  ],
  [
    'NotebookEdit',
    {
      notebook_path: string('Path'),
      cell_id: string('Cell'),
      new_source: string('Source'),
      cell_type: { type: 'string', enum: ['code', 'markdown'] },
      edit_mode: { type: 'string', enum: ['replace', 'insert', 'delete'] },
    },
    ['notebook_path', 'new_source'],
  ],
  [
    'WebFetch',
    { url: { type: 'string', format: 'uri' }, prompt: string('What to extract') },
    ['url', 'prompt'],
  ],
  [
    'TodoWrite',
    {
      todos: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            content: { type: 'string', minLength: 1 },
            status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] },
            id: { type: 'string' },
          },
          required: ['content', 'status', 'id'],
        },
      },
    },
    ['todos'],
  ],
  [
    'WebSearch',
    {
      query: { type: 'string', minLength: 2 },
      allowed_domains: { type: 'array', items: { type: 'string' } },
      blocked_domains: { type: 'array', items: { type: 'string' } },
    },
    ['query'],
  ],
  ['BashOutput', { bash_id: string('Shell id'), filter: string('Regex') }, ['bash_id']],
];
const TOOLS = TOOL_SPECS.map(([name, properties, required], i) => ({
  name,
  description: prose(i + 3, 600),
  input_schema: {
    type: 'object',
    properties,
    required,
    additionalProperties: false,
    $schema: 'http://json-schema.org/draft-07/schema#',
  },
}));

/** One tool round trip: the assistant reads a file, the user turn carries its content. */
function roundTrip(i: number, resultBytes: number) {
  const id = `toolu_bench_${i}`;
  return [
    {
      role: 'assistant',
      content: [
        { type: 'text', text: `Let me look at file ${i}.` },
        { type: 'tool_use', id, name: 'Read', input: { file_path: `/repo/src/module${i}.ts` } },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: id, content: prose(i, resultBytes) }],
    },
  ];
}

/** The history: 11 messages for `normal` (~25 KB body), more and longer results for `large` (~130 KB). */
function history(size: BodySize, mode: Mode, gateId?: string) {
  const rounds = size === 'normal' ? 5 : 13;
  const bytes = size === 'normal' ? 1400 : 8800;
  const messages: unknown[] = [
    {
      role: 'user',
      content: [{ type: 'text', text: 'Refactor the request handler to be async.' }],
    },
  ];
  for (let i = 0; i < rounds; i++) messages.push(...roundTrip(i, bytes));
  const last = messages[messages.length - 1] as { content: unknown[] };
  last.content.push({ type: 'text', text: `Go on. ${modeTag(mode, gateId)}` });
  return messages;
}

export interface BodyOptions {
  size: BodySize;
  mode: Mode;
  stream: boolean;
  model: string;
  gateId?: string;
}

/** A Messages request body, serialised. */
export function messagesBody(options: BodyOptions): string {
  return JSON.stringify({
    model: options.model,
    max_tokens: 32000,
    system: SYSTEM,
    messages: history(options.size, options.mode, options.gateId),
    tools: TOOLS,
    metadata: { user_id: 'user_bench_account__session_00000000-0000-0000-0000-000000000000' },
    temperature: 1,
    stream: options.stream,
  });
}
