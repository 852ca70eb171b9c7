/** One server-sent event: its name (`message` unless the stream named it) and its data lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Splits a server-sent event stream into events as its text arrives in arbitrary pieces. Comments
 * (`: ping`) are dropped; `\r\n` line ends are accepted.
 */
export class SseReader {
  private buffer = '';
  /** A `\r` at the end of a piece may be the first half of `\r\n`. */
  private pendingCr = false;

  push(piece: string): SseEvent[] {
    let text = (this.pendingCr ? '\r' : '') + piece;
    this.pendingCr = text.endsWith('\r');
    if (this.pendingCr) text = text.slice(0, -1);
    this.buffer += text.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event = parseBlock(block);
      if (event) events.push(event);
      end = this.buffer.indexOf('\n\n');
    }
    return events;
  }

  /** What is left when the stream ends (a last event without its blank line). */
  end(): SseEvent[] {
    const rest = this.buffer + (this.pendingCr ? '\n' : '');
    this.pendingCr = false;
    this.buffer = '';
    const event = rest.trim() ? parseBlock(rest) : null;
    return event ? [event] : [];
  }
}

function parseBlock(block: string): SseEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { event, data: data.join('\n') } : null;
}
