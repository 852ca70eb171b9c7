import { SseReader } from './sse';

describe('SseReader', () => {
  it('reads events split anywhere, named or not, and drops comments', () => {
    const text = ': ping\n\ndata: {"a":1}\n\ndata: [DONE]\n\nevent: switchboard\ndata: {"requestId":"r"}\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const reader = new SseReader();
      const events = [...reader.push(text.slice(0, cut)), ...reader.push(text.slice(cut)), ...reader.end()];
      expect(events).toEqual([
        { event: 'message', data: '{"a":1}' },
        { event: 'message', data: '[DONE]' },
        { event: 'switchboard', data: '{"requestId":"r"}' },
      ]);
    }
  });

  it('accepts CRLF line ends, multi-line data and a last event without its blank line', () => {
    const reader = new SseReader();
    expect(reader.push('data: one\r\ndata: two\r\n\r\ndata: last')).toEqual([
      { event: 'message', data: 'one\ntwo' },
    ]);
    expect(reader.end()).toEqual([{ event: 'message', data: 'last' }]);
    const split = new SseReader();
    expect([...split.push('data: x\r'), ...split.push('\n\r'), ...split.push('\ndata: y\r\n\r\n')]).toEqual([
      { event: 'message', data: 'x' },
      { event: 'message', data: 'y' },
    ]);
  });
});
