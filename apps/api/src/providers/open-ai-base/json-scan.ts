/**
 * Cheap looks into chunk JSON text without parsing it. A key spelled with raw quotes can only be a key
 * (quotes inside string values are escaped), so a hit is reliable enough to decide whether to parse.
 */

function skipWhitespace(text: string, index: number): number {
  let i = index;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
    i++;
  }
  return i;
}

/** Index just after `"key" :` followed by optional whitespace, for the first occurrence as a key; -1 if none. */
function valueStart(text: string, key: string): number {
  const quoted = `"${key}"`;
  let at = text.indexOf(quoted);
  while (at !== -1) {
    const colon = skipWhitespace(text, at + quoted.length);
    if (text.charCodeAt(colon) === 58 /* : */) return skipWhitespace(text, colon + 1);
    at = text.indexOf(quoted, at + quoted.length);
  }
  return -1;
}

/**
 * True when the text has `"usage": {…}`. With `include_usage` OpenAI sends `"usage": null` on every
 * chunk, so only an object value means the usage chunk.
 */
export function hasObjectValue(text: string, key: string): boolean {
  const start = valueStart(text, key);
  return start !== -1 && text.charCodeAt(start) === 123; /* { */
}

/** The first string value of `key` (e.g. `finish_reason`), or undefined when absent or null. */
export function scanStringValue(text: string, key: string): string | undefined {
  const start = valueStart(text, key);
  if (start === -1 || text.charCodeAt(start) !== 34 /* " */) return undefined;
  const end = text.indexOf('"', start + 1);
  return end === -1 ? undefined : text.slice(start + 1, end);
}
