/** The text of a request body's `system`, `tools` and each of its `messages`, as received. */
export interface RawParts {
  system?: string;
  tools?: string;
  messages?: string[];
}

const QUOTE = 34; // "
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/**
 * Cuts the top-level `system`, `tools` and `messages[i]` values out of a JSON object's text without
 * parsing it again: history hashes these slices to find parts it stored before, instead of
 * serialising every message of every request anew. Undefined when the text is not a JSON object
 * (the caller then serialises, as without it). With the `previous` request of the conversation, a
 * value found where the same one was is compared, not scanned.
 */
export function rawParts(text: string, previous?: RawParts): RawParts | undefined {
  const out: RawParts = {};
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACE) return out;
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const key = text.slice(i + 1, keyEnd - 1);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    const start = skipSpace(text, i + 1);
    if (key === 'messages' && text.charCodeAt(start) === OPEN_BRACKET) {
      const elements = arrayElements(text, start, previous?.messages);
      if (!elements) return undefined;
      out.messages = elements.slices;
      i = elements.end;
    } else {
      const same =
        key === 'system' ? previous?.system : key === 'tools' ? previous?.tools : undefined;
      i = sameValueEnd(text, start, same);
      if (i < 0) i = valueEnd(text, start);
      if (i < 0) return undefined;
      if (key === 'system') out.system = text.slice(start, i);
      else if (key === 'tools') out.tools = text.slice(start, i);
    }
    i = skipSpace(text, i);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACE) return out;
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
}

/**
 * The text of each element of the array opening at `start`, and the index after it; `previous`:
 * the elements of the same array in the conversation's previous request.
 */
function arrayElements(
  text: string,
  start: number,
  previous?: readonly string[],
): { slices: string[]; end: number } | undefined {
  const slices: string[] = [];
  let i = skipSpace(text, start + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return { slices, end: i + 1 };
  for (;;) {
    let end = sameValueEnd(text, i, previous?.[slices.length]);
    if (end < 0) end = valueEnd(text, i);
    if (end < 0) return undefined;
    slices.push(text.slice(i, end));
    i = skipSpace(text, end);
    const c = text.charCodeAt(i);
    if (c === CLOSE_BRACKET) return { slices, end: i + 1 };
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
}

/**
 * The index after `same` when the text at `start` is `same`, a value cut from an earlier text;
 * else -1. Only for a string, object or array: its end is where its quote or bracket closes, so it
 * is the whole value here too, whatever follows (a number's digits could go on).
 */
function sameValueEnd(text: string, start: number, same: string | undefined): number {
  if (same === undefined) return -1;
  const first = same.charCodeAt(0);
  if (first !== QUOTE && first !== OPEN_BRACE && first !== OPEN_BRACKET) return -1;
  // A slice and ===: V8 compares the characters as memory; startsWith(same, start) walks them.
  return text.slice(start, start + same.length) === same ? start + same.length : -1;
}

/** The index after the JSON value starting at `start`, or -1 when the text ends first. */
function valueEnd(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return stringEnd(text, start);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A number, true, false or null: up to the next delimiter.
    let i = start;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c <= 32) break;
    }
    return i > start ? i : -1;
  }
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i) - 1; // strings are skipped whole: their brackets do not count
      if (i < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
  }
  return -1;
}

/** The index after the string whose opening quote is at `start`, or -1 when it never closes. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return -1;
    // Escaped when an odd number of backslashes precede it.
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  return i;
}
