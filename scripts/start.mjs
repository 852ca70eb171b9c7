#!/usr/bin/env node
// `npm start`: builds what needs building (Nx caches it), starts the gateway/API on PORT (4000) and the
// dashboard on WEB_PORT (3000), and prints where they are and how to log in.
// `npm run demo` does the same plus three fake OpenAI upstreams registered as deployments of `gpt-4.1`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_NODE_FLAGS } from './gateway-node-flags.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const demo = process.argv.includes('--demo');
const skipBuild = process.argv.includes('--no-build');
const env = {
  ...process.env,
  NX_NO_CLOUD: 'true',
  NX_DAEMON: process.env.NX_DAEMON ?? 'false',
  NEXT_TELEMETRY_DISABLED: '1',
};
const port = Number(env.PORT ?? 4000);
const webPort = Number(env.WEB_PORT ?? 3000);
const apiUrl = `http://127.0.0.1:${port}`;
env.API_INTERNAL_URL ??= apiUrl;
// The gateway as the console's "Connect Dify" card names it (unless SWITCHBOARD_PUBLIC_URL says otherwise).
env.SWITCHBOARD_GATEWAY_URL ??= apiUrl;
env.WEB_PORT = String(webPort);
// The dashboard forwards the console's /api/* calls from loopback and names the browser's address in
// X-Forwarded-For (apps/web/server.mjs drops whatever a browser sent there), so the gateway believes
// loopback: sign-in throttling then counts per browser, not per dashboard.
env.TRUST_PROXY ??= 'loopback';
const DEMO_PORTS = [4101, 4102, 4103];

const children = [];
let stopping = false;

function log(line) {
  console.log(`[switchboard] ${line}`);
}

// `detached`: a process group of its own, so a terminal's Ctrl+C does not reach it; `stop()` ends it
// once the gateway is done (the demo's fake upstreams must keep answering while the gateway drains).
function run(cmd, args, name, { detached = false } = {}) {
  const child = spawn(cmd, args, { cwd: root, env, detached, stdio: ['ignore', 'inherit', 'inherit'] });
  child.name = name;
  children.push(child);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    log(`${name} exited (${signal ?? code}); stopping everything`);
    void stop(code || 1);
  });
  return child;
}

const running = (c) => c.exitCode === null && c.signalCode === null;

async function waitForExit(list, ms) {
  const deadline = Date.now() + ms;
  while (list.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  // The gateway first and on its own: it stops taking requests, lets those in flight finish (up to
  // SHUTDOWN_GRACE_MS), writes the request log, then stops the embedded PostgreSQL, and exits within
  // SHUTDOWN_GRACE_MS + 5 s. (With Ctrl+C it already has the terminal's SIGINT; SIGTERM changes nothing.)
  // The demo's upstreams keep serving its in-flight requests meanwhile; the dashboard goes with them.
  const gateway = children.filter((c) => c.name === 'gateway' && running(c));
  for (const child of gateway) child.kill('SIGTERM');
  if (gateway.length) log('stopping: the gateway finishes in-flight requests and writes its request log…');
  await waitForExit(gateway, Number(env.SHUTDOWN_GRACE_MS ?? 15_000) + 10_000);
  const rest = children.filter(running);
  for (const child of rest) child.kill('SIGTERM');
  await waitForExit(rest, 10_000);
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function waitFor(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

function masterKey() {
  if (env.MASTER_KEY) return env.MASTER_KEY;
  const file = path.resolve(root, env.DATA_DIR ?? '.data', 'secrets.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).masterKey : null;
}

async function admin(method, url, body) {
  const res = await fetch(`${apiUrl}${url}`, {
    method,
    headers: { authorization: `Bearer ${masterKey()}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, json };
}

/** Registers (or re-points) the demo deployments; safe to run on every start. */
async function registerDemo() {
  const existing = await admin('GET', '/api/deployments?modelGroup=gpt-4.1&limit=100');
  const byName = new Map((existing.json?.data ?? []).map((d) => [d.name, d]));
  for (const [i, p] of DEMO_PORTS.entries()) {
    const name = `demo-openai-${i + 1}`;
    const fields = {
      modelGroup: 'gpt-4.1',
      provider: 'openai-compatible',
      model: 'gpt-4.1',
      apiBase: `http://127.0.0.1:${p}/v1`,
      apiKey: `sk-demo-upstream-${i + 1}`,
    };
    const found = byName.get(name);
    const res = found
      ? await admin('PATCH', `/api/deployments/${found.id}`, fields)
      : await admin('POST', '/api/deployments', { name, ...fields });
    if (res.status >= 300) throw new Error(`could not register ${name}: ${JSON.stringify(res.json)}`);
  }
}

async function main() {
  const projects = ['contracts', 'api', 'web', ...(demo ? ['fake-upstream'] : [])];
  if (!skipBuild) {
    log(`building ${projects.join(', ')} (cached after the first time)…`);
    const build = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules/nx/dist/bin/nx.js'),
        'run-many',
        '-t',
        'build',
        '-p',
        projects.join(','),
        '--outputStyle=static',
      ],
      { cwd: root, env, stdio: 'inherit' },
    );
    if (build.status !== 0) process.exit(build.status ?? 1);
  }

  if (demo) {
    for (const [i, p] of DEMO_PORTS.entries()) {
      run(
        process.execPath,
        [
          'apps/fake-upstream/dist/main.js',
          '--port',
          String(p),
          '--name',
          `upstream-${i + 1}`,
          '--ttft-ms',
          '80',
          '--tokens-per-second',
          '60',
        ],
        `fake upstream ${i + 1}`,
        { detached: true },
      );
    }
  }

  run(process.execPath, [...GATEWAY_NODE_FLAGS, 'apps/api/dist/main.js'], 'gateway');
  await waitFor(`${apiUrl}/health/readiness`, 120_000);

  if (demo) {
    await registerDemo();
    log('demo: three fake upstreams registered as deployments of model group gpt-4.1');
  }

  run(process.execPath, ['apps/web/server.mjs'], 'dashboard');
  await waitFor(`http://127.0.0.1:${webPort}/login`, 60_000);

  const key = masterKey();
  console.log(
    [
      '',
      '  Switchboard is running',
      `  Dashboard:        http://localhost:${webPort}`,
      `  Gateway (OpenAI): http://localhost:${port}/v1`,
      `  Log in with the master key: ${env.MASTER_KEY ? '(the MASTER_KEY you set)' : (key ?? '(see the gateway output above)')}`,
      ...(demo ? ['', ...demoLoop(key)] : []),
      '  Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
}

/**
 * A copy-paste loop that shows the load balancing: it sets MASTER_KEY itself (a newcomer's shell has
 * none, and every call would be a 401 that the grep hides).
 */
function demoLoop(key) {
  const keyLine = env.MASTER_KEY
    ? '    # MASTER_KEY is the one you exported before `npm run demo`'
    : `    export MASTER_KEY='${key}'`;
  return [
    '  Watch it spread requests over the three fake upstreams (paste into another terminal):',
    '',
    keyLine,
    '    for i in $(seq 30); do',
    `      curl -s http://localhost:${port}/v1/chat/completions -H "Authorization: Bearer $MASTER_KEY" \\`,
    `        -H 'content-type: application/json' -d '{"model":"gpt-4.1","messages":[{"role":"user","content":"hi"}]}' \\`,
    '        -o /dev/null -D - | grep -i x-switchboard-deployment',
    '    done',
    '',
  ];
}

main().catch((err) => {
  console.error(`[switchboard] ${err instanceof Error ? err.message : err}`);
  void stop(1);
});
