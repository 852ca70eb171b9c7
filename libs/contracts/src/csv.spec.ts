import { csvCell, csvDocument, csvLine } from './csv';

describe('csvCell', () => {
  it('neutralises text a spreadsheet would run as a formula', () => {
    for (const formula of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) {
      expect(csvCell(formula).replace(/^"|"$/g, '')).toBe(`'${formula}`);
    }
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
  });

  it('leaves ordinary text and numbers alone, negative numbers included', () => {
    expect(csvCell('alice')).toBe('alice');
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(0.25)).toBe('0.25');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('writes lines and documents with CRLF', () => {
    expect(csvLine(['x', 1, null])).toBe('x,1,\r\n');
    expect(csvDocument(['name', 'n'], [['=a', 2]])).toBe("name,n\r\n'=a,2\r\n");
  });
});
