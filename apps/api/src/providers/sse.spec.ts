import { SseParser, type SseEvent } from './sse';

function parseAll(chunks: (string | Uint8Array)[]): SseEvent[] {
  const parser = new SseParser();
  const events = chunks.flatMap((c) => parser.push(c));
  return [...events, ...parser.end()];
}

describe('SseParser', () => {
  const stream =
    'event: message_start\ndata: {"a":1}\n\n: keep-alive\n\ndata: {"b":"é🙂"}\n\ndata: [DONE]\n\n';
  const expected: SseEvent[] = [
    { event: 'message_start', data: '{"a":1}' },
    { data: '{"b":"é🙂"}' },
    { data: '[DONE]' },
  ];

  it('parses LF-delimited events, named events and ignores comments', () => {
    expect(parseAll([stream])).toEqual(expected);
  });

  it('gives the same events whatever the byte boundaries, including inside UTF-8 sequences', () => {
    const bytes = Buffer.from(stream, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    }
    const oneByOne = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(parseAll(oneByOne)).toEqual(expected);
  });

  it('handles CRLF and lone CR line endings, also with CRLF split across chunks', () => {
    const crlf = stream.replace(/\n/g, '\r\n');
    expect(parseAll([crlf])).toEqual(expected);
    for (let cut = 1; cut < crlf.length; cut++) {
      expect(parseAll([crlf.slice(0, cut), crlf.slice(cut)])).toEqual(expected);
    }
    expect(parseAll([stream.replace(/\n/g, '\r')])).toEqual(expected);
  });

  it('joins multi-line data with LF and strips only one leading space', () => {
    expect(parseAll(['data: line1\ndata:line2\ndata:  indented\n\n'])).toEqual([
      { data: 'line1\nline2\n indented' },
    ]);
  });

  it('does not dispatch events without data, and resets the event name after each event', () => {
    expect(parseAll(['event: ping\n\ndata: x\n\n'])).toEqual([{ data: 'x' }]);
  });

  it('flushes a final event that lacks the blank line at end of input', () => {
    expect(parseAll(['data: {"x":1}\n\ndata: [DONE]'])).toEqual([{ data: '{"x":1}' }, { data: '[DONE]' }]);
  });

  it('keeps the last event id and ignores retry and unknown fields', () => {
    expect(parseAll(['id: 7\nretry: 1000\nfoo: bar\ndata: x\n\n'])).toEqual([{ data: 'x', id: '7' }]);
  });

  it('strips a leading byte order mark', () => {
    expect(parseAll(['\uFEFFdata: x\n\n'])).toEqual([{ data: 'x' }]);
  });
});
