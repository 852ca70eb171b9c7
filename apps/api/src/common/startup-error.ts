/**
 * A start-up failure the operator can fix. Its message is one sentence that says what to do; it is
 * printed as it is, without a stack trace.
 */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

const firstLine = (text: string): string =>
  text
    .split('\n')
    .find((l) => l.trim())
    ?.trim() ?? text;

/**
 * What to print when the process cannot start: the sentence of a StartupError, a sentence for the
 * system errors a fresh machine produces (permissions, a port in use, a full disk), and for anything
 * else its first line. The stack only when asked for (LOG_LEVEL=debug or trace).
 */
export function describeStartupFailure(err: unknown, withStack = false): string {
  if (err instanceof StartupError) return err.message;
  if (!(err instanceof Error)) return `Switchboard could not start: ${String(err)}`;
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
  const where = e.path ?? (e.port ? `${e.address ?? ''}:${e.port}` : undefined);
  let sentence: string;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      sentence =
        `Switchboard could not start: permission denied${where ? ` on ${where}` : ''} ` +
        `(${e.syscall ?? 'access'}); run it as a user that can use that path, point DATA_DIR at a folder ` +
        `of your own, or set DATABASE_URL to an existing PostgreSQL.`;
      break;
    case 'EADDRINUSE':
      sentence = `Switchboard could not start: ${where ?? 'the port'} is already in use; stop what listens there or set PORT to a free port.`;
      break;
    case 'ENOSPC':
      sentence = `Switchboard could not start: no space left on the disk${where ? ` holding ${where}` : ''}; free some space and start again.`;
      break;
    default:
      sentence = `Switchboard could not start: ${firstLine(e.message)}`;
  }
  return withStack && e.stack ? `${sentence}\n${e.stack}` : sentence;
}
