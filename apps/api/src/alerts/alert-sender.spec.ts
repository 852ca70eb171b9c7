import { createServer, type Server } from 'node:net';
import type { AlertNotice } from './alert-message';
import { AlertSender } from './alert-sender';

// Real sockets on 127.0.0.1: a port nobody listens on, and a server that hangs up on every connection.
const notice: AlertNotice = {
  state: 'firing',
  rule: { id: 'r1', name: 'primary down', kind: 'deployment.cooldown' },
  subject: { type: 'deployment', id: 'd1', name: 'gpt-a' },
  value: null,
  threshold: null,
  at: new Date('2026-12-06T10:00:00.000Z'),
};

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    }),
  );
}

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('AlertSender retries a receiver it cannot reach (real sockets)', () => {
  const sender = new AlertSender();
  afterAll(() => sender.onApplicationShutdown());
  const signal = new AbortController().signal;

  it('tries a receiver nobody listens on three times, and the history says so without the URL', async () => {
    const vacated = createServer();
    const port = await listen(vacated);
    await close(vacated);

    const delivery = await sender.sendWithRetries(
      'webhook',
      `http://127.0.0.1:${port}/hooks/T0KEN-secret-part`,
      notice,
      signal,
      [10, 10],
    );

    expect(delivery).toEqual({ ok: false, status: null, error: expect.any(String) });
    expect(delivery.error).toMatch(/^Could not reach the receiver.*\(after 3 tries\)$/);
    expect(delivery.error).not.toContain('T0KEN-secret-part');
  });

  it('goes back to a receiver that hung up, as many times as the delays allow', async () => {
    let connections = 0;
    const hangUp = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    const port = await listen(hangUp);
    try {
      const delivery = await sender.sendWithRetries(
        'slack',
        `http://127.0.0.1:${port}/services/x`,
        notice,
        signal,
        [10, 10, 10],
      );
      expect(delivery.ok).toBe(false);
      expect(delivery.status).toBeNull();
      expect(delivery.error).toContain('(after 4 tries)');
      expect(connections).toBe(4);
    } finally {
      await close(hangUp);
    }
  });

  it('stops waiting when the app shuts down: the last failure stands', async () => {
    const vacated = createServer();
    const port = await listen(vacated);
    await close(vacated);
    const stopping = new AbortController();

    const pending = sender.sendWithRetries(
      'webhook',
      `http://127.0.0.1:${port}/`,
      notice,
      stopping.signal,
      [60_000],
    );
    stopping.abort();

    const delivery = await pending;
    expect(delivery.ok).toBe(false);
    expect(delivery.error).not.toContain('tries');
  });
});
