import type { FastifyRequest } from 'fastify';
import { actorOf } from './actor';
import { redactSnapshot } from './audit-redaction';
import { decodeCursor, encodeCursor, pageFrom } from '../common/page-cursor';

describe('redactSnapshot', () => {
  it('drops secret fields at any depth and keeps hints', () => {
    const snapshot = {
      name: 'a',
      apiKey: 'sk-live-1',
      apiKeyHint: 'sk-…ve-1',
      nested: { apiKeyEncrypted: 'v1.x.y.z', keyHash: 'abc', tags: ['x'] },
      list: [{ Password: 'p', ok: true }],
      when: new Date('2025-01-02T03:04:05.000Z'),
      big: 12n,
      skipped: undefined,
    };
    expect(redactSnapshot(snapshot)).toEqual({
      name: 'a',
      apiKeyHint: 'sk-…ve-1',
      nested: { tags: ['x'] },
      list: [{ ok: true }],
      when: '2025-01-02T03:04:05.000Z',
      big: '12',
    });
    expect(redactSnapshot(undefined)).toBeNull();
  });
});

describe('actorOf', () => {
  it('uses what a guard set, else the master key', () => {
    expect(actorOf({} as FastifyRequest)).toBe('master-key');
    expect(actorOf({ actor: 'session:42' } as unknown as FastifyRequest)).toBe('session:42');
  });
});

describe('page cursors', () => {
  it('round-trip and reject anything else with a 400', () => {
    expect(decodeCursor(encodeCursor('gpt-4.1'))).toBe('gpt-4.1');
    expect(decodeCursor(undefined)).toBeNull();
    expect(() => decodeCursor('nonsense')).toThrow(
      expect.objectContaining({ status: 400, code: 'validation_failed' }),
    );
  });

  it('say where the next page starts only when there is one', () => {
    expect(pageFrom([1, 2], 2, String)).toEqual({ rows: [1, 2], nextCursor: null });
    const page = pageFrom([1, 2, 3], 2, String);
    expect(page.rows).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor ?? undefined)).toBe('2');
  });
});
