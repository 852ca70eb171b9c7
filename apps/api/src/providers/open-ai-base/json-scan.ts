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

/** Index of the quote that closes the string opening at `open`, or -1 (unterminated). */
function stringEnd(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (end !== -1) {
    let backslashes = 0;
    for (let i = end - 1; text.charCodeAt(i) === 92 /* \ */; i--) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/**
 * The text of the object value of `key` among the top-level members of the JSON object `text`
 * (`{"id":…,"usage":{…},…}` → `{…}`), found without parsing the rest: strings are skipped whole and
 * nesting is tracked, so a `usage` key inside a choice or inside string content is never taken for it.
 * Undefined when the key is absent, its value is not an object, or the text is not a JSON object.
 */
export function topLevelObjectText(text: string, key: string): string | undefined {
  let i = skipWhitespace(text, 0);
  if (text.charCodeAt(i) !== 123 /* { */) return undefined;
  let depth = 0;
  let valueStart = -1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      const end = stringEnd(text, i);
      if (end === -1) return undefined;
      if (depth === 1 && valueStart === -1 && end - i - 1 === key.length && text.startsWith(key, i + 1)) {
        const colon = skipWhitespace(text, end + 1);
        if (text.charCodeAt(colon) === 58 /* : */) {
          const start = skipWhitespace(text, colon + 1);
          if (text.charCodeAt(start) !== 123) return undefined;
          valueStart = start;
          i = start - 1;
          continue;
        }
      }
      i = end;
    } else if (c === 123 || c === 91 /* [ */) {
      depth++;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
      if (valueStart !== -1 && depth === 1) return text.slice(valueStart, i + 1);
      if (depth === 0) return undefined;
    }
  }
  return undefined;
}
