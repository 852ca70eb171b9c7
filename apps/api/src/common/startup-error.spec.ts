import { describeStartupFailure, StartupError } from './startup-error';

const spawnError = (code: string, file: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`spawn ${file} ${code}`), { code, syscall: `spawn ${file}`, path: file });

describe('describeStartupFailure', () => {
  it('prints a StartupError as its one sentence', () => {
    const text = describeStartupFailure(new StartupError('Do this, or set DATABASE_URL.'));
    expect(text).toBe('Do this, or set DATABASE_URL.');
  });

  it('turns `spawn …/initdb EACCES` into one sentence that says what to do, without a stack', () => {
    const text = describeStartupFailure(spawnError('EACCES', '/root/sb/node_modules/x/native/bin/initdb'));
    expect(text.split('\n')).toHaveLength(1);
    expect(text).toContain('/root/sb/node_modules/x/native/bin/initdb');
    expect(text).toMatch(/permission denied/);
    expect(text).toMatch(/DATABASE_URL/);
    expect(text).not.toMatch(/\bat .*\(/);
  });

  it('names the port for EADDRINUSE', () => {
    const err = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4000'), {
      code: 'EADDRINUSE',
      syscall: 'listen',
      address: '127.0.0.1',
      port: 4000,
    });
    expect(describeStartupFailure(err)).toBe(
      'Switchboard could not start: 127.0.0.1:4000 is already in use; stop what listens there or set PORT to a free port.',
    );
  });

  it('keeps anything else to its first line, with the stack only when asked for', () => {
    const err = new Error('migration failed\nDETAIL: something long');
    expect(describeStartupFailure(err)).toBe('Switchboard could not start: migration failed');
    expect(describeStartupFailure(err, true)).toContain('at ');
  });
});
