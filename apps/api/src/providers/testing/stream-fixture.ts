/** Test helpers: replay recorded SSE fixtures through the real parser and a stream mapper. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StreamChunkOut, StreamMapper, Usage } from '../provider.types';
import { SseParser } from '../sse';

export function readFixture(dir: string, name: string): string {
  return readFileSync(join(dir, 'fixtures', name), 'utf8');
}

export function readJsonFixture(dir: string, name: string): unknown {
  return JSON.parse(readFixture(dir, name)) as unknown;
}

export interface ReplayResult {
  /** Everything the gateway would write, in order (push output, then end() chunks). */
  chunks: StreamChunkOut[];
  /** `chunks[i].data` parsed. */
  json: Record<string, unknown>[];
  usage: Usage | null;
}

/** Feeds the fixture in small byte slices, as a socket would, so chunk boundaries fall mid-line. */
export function replaySse(text: string, mapper: StreamMapper, sliceBytes = 17): ReplayResult {
  const bytes = Buffer.from(text, 'utf8');
  const parser = new SseParser();
  const chunks: StreamChunkOut[] = [];
  for (let i = 0; i < bytes.length; i += sliceBytes) {
    for (const event of parser.push(bytes.subarray(i, i + sliceBytes))) chunks.push(...mapper.push(event));
  }
  for (const event of parser.end()) chunks.push(...mapper.push(event));
  const end = mapper.end();
  chunks.push(...end.chunks);
  return {
    chunks,
    json: chunks.map((c) => JSON.parse(c.data) as Record<string, unknown>),
    usage: end.usage,
  };
}
