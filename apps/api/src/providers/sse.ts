/**
 * Incremental Server-Sent Events parser (WHATWG "event stream interpretation"), fed with whatever
 * byte or string chunks the socket delivers. Handles LF, CRLF and lone CR line endings (also when a
 * CRLF pair is split across chunks), UTF-8 sequences split across chunks, multi-line `data:`, comments
 * and the optional space after the colon.
 */

export interface SseEvent {
  event?: string;
  data: string;
  id?: string;
}

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private dataLines: string[] = [];
  private eventType: string | undefined;
  private lastEventId: string | undefined;
  /** The previous chunk ended in CR: a LF starting the next chunk belongs to the same line break. */
  private skipLeadingLf = false;
  private atStreamStart = true;

  push(chunk: string | Uint8Array): SseEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    this.consume(text, events);
    return events;
  }

  /**
   * Flushes at end of input. Unlike a browser, a final event without its blank line is still dispatched:
   * some upstreams close the connection right after the last `data:` line.
   */
  end(): SseEvent[] {
    const events: SseEvent[] = [];
    this.consume(this.decoder.decode(), events);
    if (this.buffer !== '') {
      this.processLine(this.buffer, events);
      this.buffer = '';
    }
    this.dispatch(events);
    return events;
  }

  private consume(text: string, events: SseEvent[]): void {
    if (text === '') return;
    let buf = this.buffer === '' ? text : this.buffer + text;
    if (this.atStreamStart) {
      this.atStreamStart = false;
      if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
    }
    let start = 0;
    if (this.skipLeadingLf) {
      this.skipLeadingLf = false;
      if (buf.charCodeAt(0) === 10) start = 1;
    }
    // Cache the next CR/LF positions so a chunk with many lines is scanned once, not once per line.
    let lf = buf.indexOf('\n', start);
    let cr = buf.indexOf('\r', start);
    while (lf !== -1 || cr !== -1) {
      const lineEnd = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
      let next = lineEnd + 1;
      if (lineEnd === cr) {
        if (next < buf.length) {
          if (buf.charCodeAt(next) === 10) next += 1;
        } else {
          this.skipLeadingLf = true;
        }
      }
      this.processLine(buf.slice(start, lineEnd), events);
      start = next;
      if (lf !== -1 && lf < start) lf = buf.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = buf.indexOf('\r', start);
    }
    this.buffer = start === 0 ? buf : buf.slice(start);
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = '';
    if (colon !== -1) {
      const valueStart = line.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
      value = line.slice(valueStart);
    }
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      default:
        // `retry` and unknown fields are ignored, as the spec requires.
        break;
    }
  }

  private dispatch(events: SseEvent[]): void {
    const data = this.dataLines.length === 1 ? this.dataLines[0] : this.dataLines.join('\n');
    const eventType = this.eventType;
    this.dataLines = [];
    this.eventType = undefined;
    if (data === '') return;
    const event: SseEvent = { data };
    if (eventType !== undefined && eventType !== '') event.event = eventType;
    if (this.lastEventId !== undefined) event.id = this.lastEventId;
    events.push(event);
  }
}
