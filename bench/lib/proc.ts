/**
 * Process plumbing for the benchmark: CPU pinning with `taskset`, child processes whose output is kept
 * (and searchable), and readers for /proc (RSS, CPU time, descendants). Linux only; on other systems
 * pinning is skipped and the /proc readers answer null.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';

const CLOCK_TICKS = 100; // USER_HZ on every Linux we run on (getconf CLK_TCK)

/** True when `taskset` exists and there are at least two CPUs to split between gateway and load. */
export function canPin(): boolean {
  if (process.platform !== 'linux' || os.availableParallelism() < 2) return false;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of `pid` (and, through inheritance, whatever it starts later) to `cores` ("1" or "0,1"). */
export function pin(pid: number, cores: string): boolean {
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false; // the process may have exited in between
  }
}

/** The CPU list a process may run on, as taskset prints it ("0", "1", "0,1"), or null. */
export function affinity(pid: number): string | null {
  try {
    const out = execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' });
    return out.split(':').pop()?.trim() ?? null;
  } catch {
    return null;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Fields of /proc/<pid>/status in kB (VmRSS = now, VmHWM = peak so far), or null when unreadable. */
export function memoryKb(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    const rssKb = field('VmRSS');
    const hwmKb = field('VmHWM');
    return Number.isFinite(rssKb) ? { rssKb, hwmKb } : null;
  } catch {
    return null;
  }
}

/** User + system CPU time of a process in milliseconds (all its threads), or null. */
export function cpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state(0) ppid(1) ... utime(11) stime(12)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Busy and total time per CPU in ms since boot, from /proc/stat (index = CPU number). */
export function cpuTimes(): { busyMs: number; totalMs: number }[] {
  try {
    const out: { busyMs: number; totalMs: number }[] = [];
    for (const line of readFileSync('/proc/stat', 'utf8').split('\n')) {
      const m = /^cpu(\d+)\s+(.*)$/.exec(line);
      if (!m) continue;
      // user nice system idle iowait irq softirq steal guest guest_nice
      const v = m[2].split(/\s+/).map(Number);
      const idle = v[3] + (v[4] ?? 0);
      const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
      out[Number(m[1])] = {
        busyMs: ((total - idle) * 1000) / CLOCK_TICKS,
        totalMs: (total * 1000) / CLOCK_TICKS,
      };
    }
    return out;
  } catch {
    return [];
  }
}

/**
 * CPU time used by processes outside `exclude` (and their descendants) over `ms`, in % of one core,
 * with the top offenders: tells whether something else on the machine disturbs the measurement.
 */
export async function foreignLoad(
  exclude: number[],
  ms: number,
): Promise<{ pct: number; top: { pid: number; name: string; pct: number }[] }> {
  const mine = new Set<number>([process.pid, ...exclude]);
  for (const pid of [process.pid, ...exclude]) for (const d of descendants(pid)) mine.add(d);
  const read = () => {
    const m = new Map<number, number>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const pid = Number(name);
      if (mine.has(pid)) continue;
      const c = cpuMs(pid);
      if (c !== null) m.set(pid, c);
    }
    return m;
  };
  const a = read();
  await sleep(ms);
  const b = read();
  const used: { pid: number; name: string; pct: number }[] = [];
  let total = 0;
  for (const [pid, c] of b) {
    const d = c - (a.get(pid) ?? c);
    if (d <= 0) continue;
    total += d;
    let name = '?';
    try {
      name = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 80) || name;
    } catch {
      // gone
    }
    used.push({ pid, name, pct: Math.round((d / ms) * 1000) / 10 });
  }
  used.sort((x, y) => y.pct - x.pct);
  return { pct: Math.round((total / ms) * 1000) / 10, top: used.slice(0, 5) };
}

function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Every live descendant of `pid` (children, grandchildren, ...). */
export function descendants(pid: number): number[] {
  if (!existsSync('/proc')) return [];
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const child = Number(name);
    const parent = parentOf(child);
    if (parent === null) continue;
    const list = byParent.get(parent) ?? [];
    list.push(child);
    byParent.set(parent, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of byParent.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A child process that keeps its recent output and can be waited on and stopped. */
export class Child {
  readonly proc: ChildProcess;
  readonly output: string[] = [];
  private exited = false;
  private readonly exitPromise: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; cwd?: string; echo?: boolean } = {},
  ) {
    this.proc = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.output.push(line);
        if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
        if (opts.echo) process.stderr.write(`  [${this.name}] ${line}\n`);
        for (const w of [...this.waiters]) {
          const m = w.re.exec(line);
          if (m) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(m);
          }
        }
      }
    };
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exitPromise = new Promise((resolve) => {
      this.proc.once('exit', (code, signal) => {
        this.exited = true;
        resolve({ code, signal });
      });
      this.proc.once('error', (err) => {
        this.output.push(`spawn error: ${err.message}`);
        this.exited = true;
        resolve({ code: -1, signal: null });
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Resolves with the first output line matching `re` (also looks at lines already printed). */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    for (const line of this.output) {
      const m = re.exec(line);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      const waiter = { re, resolve: (m: RegExpExecArray) => (clearTimeout(timer), resolve(m)) };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`${this.name}: no line matching ${re} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
      void this.exitPromise.then(({ code, signal }) => {
        if (this.waiters.includes(waiter)) {
          clearTimeout(timer);
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`${this.name} exited (${signal ?? code}) before printing ${re}`));
        }
      });
    });
  }

  exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exitPromise;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    this.proc.kill('SIGTERM');
    const killer = setTimeout(() => {
      if (!this.exited) this.proc.kill('SIGKILL');
    }, graceMs);
    await this.exitPromise;
    clearTimeout(killer);
  }

  tail(n = 30): string {
    return this.output.slice(-n).join('\n');
  }
}
