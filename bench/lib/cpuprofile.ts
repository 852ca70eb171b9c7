/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self and inclusive time per function and self
 * time per area (package or source folder), optionally only for samples inside given time windows
 * (microseconds on the monotonic clock, the same clock as `process.hrtime`).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  selfPct: number;
  totalMs: number;
  totalPct: number;
}

export interface ProfileSummary {
  file: string;
  sampledMs: number;
  /** Share of sampled time the thread was idle (waiting in epoll). */
  idlePct: number;
  topSelf: ProfileEntry[];
  topTotal: ProfileEntry[];
  areas: { area: string; selfMs: number; selfPct: number }[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length);
  const dist = u.indexOf('/apps/');
  if (dist >= 0) return u.slice(dist + 1);
  return u;
}

function areaOf(url: string, fn: string): string {
  if (!url) {
    if (fn === '(garbage collector)') return '(gc)';
    if (fn === '(idle)' || fn === '(program)' || fn === '(root)') return fn;
    return '(native)';
  }
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (u.startsWith('node:')) return 'node:' + u.slice(5).split('/')[0];
  const m = /\/apps\/api\/dist\/([^/]+)/.exec(u);
  if (m) return `api/${m[1].replace(/\.js$/, '')}`;
  return shortUrl(u);
}

export function summarizeProfile(
  file: string,
  windows: { startUs: number; endUs: number }[] | null,
  top = 25,
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const keyOf = (n: ProfileNode) => {
    const f = n.callFrame;
    const name = f.functionName || '(anonymous)';
    return f.url ? `${name}  ${shortUrl(f.url)}:${f.lineNumber + 1}` : name;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let sampled = 0;
  let idle = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    // A sample's time is the gap to the next sample.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (windows && !windows.some((w) => t >= w.startUs && t < w.endUs)) continue;
    const node = byId.get(profile.samples[i]);
    if (!node) continue;
    sampled += dt;
    const fn = node.callFrame.functionName;
    if (fn === '(idle)') {
      idle += dt;
      continue;
    }
    const k = keyOf(node);
    self.set(k, (self.get(k) ?? 0) + dt);
    const area = areaOf(node.callFrame.url, fn);
    areas.set(area, (areas.get(area) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      if (n.callFrame.functionName === '(root)') break;
      const key = keyOf(n);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + dt);
    }
  }
  const busy = sampled - idle;
  const pct = (ms: number) => (busy > 0 ? Math.round((ms / busy) * 1000) / 10 : 0);
  const entry = (name: string): ProfileEntry => ({
    name,
    selfMs: Math.round(self.get(name) ?? 0),
    selfPct: pct(self.get(name) ?? 0),
    totalMs: Math.round(total.get(name) ?? 0),
    totalPct: pct(total.get(name) ?? 0),
  });
  return {
    file,
    sampledMs: Math.round(sampled),
    idlePct: sampled > 0 ? Math.round((idle / sampled) * 1000) / 10 : 0,
    topSelf: [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k]) => entry(k)),
    topTotal: [...total.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k]) => entry(k)),
    areas: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([area, ms]) => ({ area, selfMs: Math.round(ms), selfPct: pct(ms) })),
  };
}

/** Prints a summary: self time by area, then the top functions by self and inclusive time. */
export function printProfile(p: ProfileSummary, title = 'max-throughput phase'): void {
  console.log(`gateway CPU profile (${title}, ${p.sampledMs} ms sampled, idle ${p.idlePct}%): ${p.file}`);
  console.log('  self time by area:');
  for (const a of p.areas.slice(0, 15)) console.log(`    ${String(a.selfPct).padStart(5)}%  ${a.area}`);
  console.log('  top functions by self time:');
  for (const e of p.topSelf.slice(0, 20)) console.log(`    ${String(e.selfPct).padStart(5)}%  ${e.name}`);
  console.log('  top functions by inclusive time:');
  for (const e of p.topTotal.slice(0, 25)) console.log(`    ${String(e.totalPct).padStart(5)}%  ${e.name}`);
  console.log('');
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

export interface AllocationSummary {
  file: string;
  requests: number;
  bytesPerRequest: number;
  areas: { area: string; bytesPerRequest: number }[];
  top: { name: string; bytesPerRequest: number }[];
}

/**
 * A sampling heap profile (alloc-sampler.mjs) as bytes allocated per request: in all, by area (the same
 * areas as the CPU profile's) and by function (where the allocation happened).
 */
export function summarizeAllocations(file: string, requests: number): AllocationSummary {
  const head = (JSON.parse(readFileSync(file, 'utf8')) as { head: HeapNode }).head;
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode) => {
    if (n.selfSize > 0) {
      const { functionName, url, lineNumber } = n.callFrame;
      const fn = functionName || '(anonymous)';
      total += n.selfSize;
      const area = areaOf(url, fn);
      byArea.set(area, (byArea.get(area) ?? 0) + n.selfSize);
      const name = `${fn} ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ''}`.trim();
      byFn.set(name, (byFn.get(name) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c);
  };
  walk(head);
  const per = (bytes: number) => Math.round(bytes / Math.max(1, requests));
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    file,
    requests,
    bytesPerRequest: per(total),
    areas: sorted(byArea).map(([area, b]) => ({ area, bytesPerRequest: per(b) })),
    top: sorted(byFn).map(([name, b]) => ({ name, bytesPerRequest: per(b) })),
  };
}

export function printAllocations(a: AllocationSummary): void {
  console.log(
    `gateway allocation (max-throughput phase, ${a.requests} requests): ${a.bytesPerRequest} bytes per request: ${a.file}`,
  );
  console.log('  by area:');
  for (const x of a.areas.slice(0, 15))
    console.log(`    ${String(x.bytesPerRequest).padStart(7)} B  ${x.area}`);
  console.log('  by function:');
  for (const x of a.top.slice(0, 30))
    console.log(`    ${String(x.bytesPerRequest).padStart(7)} B  ${x.name}`);
  console.log('');
}
