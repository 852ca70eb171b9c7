import { topLevelObjectText } from './json-scan';

describe('topLevelObjectText', () => {
  it('finds a top-level object member wherever it sits', () => {
    expect(topLevelObjectText('{"a":1,"usage":{"x":{"y":[1,2]}},"b":"}"}', 'usage')).toBe(
      '{"x":{"y":[1,2]}}',
    );
    expect(topLevelObjectText(' {\n "usage" :\t{"t":3} }', 'usage')).toBe('{"t":3}');
  });

  it('ignores the key inside nested objects, arrays and string content', () => {
    const text =
      '{"choices":[{"usage":{"t":1}}],"meta":{"usage":{"t":2}},"s":"\\"usage\\":{\\"t\\":3}","usage":{"t":4}}';
    expect(topLevelObjectText(text, 'usage')).toBe('{"t":4}');
  });

  it('handles escaped backslashes before a closing quote', () => {
    expect(topLevelObjectText('{"path":"C:\\\\","usage":{"t":5}}', 'usage')).toBe('{"t":5}');
  });

  it('is undefined when the member is missing, not an object, or the text is not a JSON object', () => {
    expect(topLevelObjectText('{"a":{"usage":{"t":1}}}', 'usage')).toBeUndefined();
    expect(topLevelObjectText('{"usage":null}', 'usage')).toBeUndefined();
    expect(topLevelObjectText('[{"usage":{"t":1}}]', 'usage')).toBeUndefined();
    expect(topLevelObjectText('{"usage":{"t":1', 'usage')).toBeUndefined();
    expect(topLevelObjectText('{"s":"unterminated', 'usage')).toBeUndefined();
  });
});
