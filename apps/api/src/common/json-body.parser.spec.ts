import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-body.parser';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('exceedsJsonDepth', () => {
  it('accepts nesting up to the limit and refuses one level more', () => {
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000))).toBe(true);
  });

  it('counts siblings as one level, not as depth', () => {
    expect(exceedsJsonDepth(`[${'[1],'.repeat(5_000)}[1]]`)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(JSON.stringify({ s: '['.repeat(5_000) }))).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ s: `\\"${'{'.repeat(5_000)}` }))).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify(['"', '['.repeat(500)]))).toBe(false);
  });

  it('still sees depth after a string that ends in an escaped backslash', () => {
    expect(exceedsJsonDepth(`["\\\\",${nested(MAX_JSON_DEPTH)}]`)).toBe(true);
  });
});
