// The dashboard's server: Next.js behind a plain Node HTTP server that decides, from the socket, whose
// X-Forwarded-* headers to believe. Next keeps a client's own X-Forwarded-For when it forwards /api/* to the
// gateway (src/proxy.ts), so without this a browser could name any address and the gateway (which trusts
// the dashboard: TRUST_PROXY) would throttle sign-ins for that address instead of the browser's.
//
//   node apps/web/server.mjs            (WEB_PORT, default 3000; HOST, default 0.0.0.0)
//   WEB_TRUST_PROXY=10.0.0.5,loopback   a load balancer in front of the dashboard whose headers count
import { createServer } from 'node:http';
import { BlockList, isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import next from 'next';

const FORWARDING_HEADERS = [
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'forwarded',
];

const NAMED_RANGES = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** `WEB_TRUST_PROXY` (addresses, CIDR ranges, `loopback` / `linklocal` / `uniquelocal`) as a BlockList. */
export function trustedProxies(value) {
  const list = new BlockList();
  for (const entry of (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    for (const item of NAMED_RANGES[entry] ?? [entry]) {
      const [address, bits] = item.split('/');
      const family = isIP(address) === 6 ? 'ipv6' : isIP(address) === 4 ? 'ipv4' : null;
      if (!family) throw new Error(`WEB_TRUST_PROXY: '${entry}' is not an address, a CIDR range or a name`);
      if (bits === undefined) list.addAddress(address, family);
      else list.addSubnet(address, Number(bits), family);
    }
  }
  return list;
}

/** Drops the forwarding headers of a peer we do not trust, so Next records the socket's own address. */
export function dropUntrustedForwarding(req, trusted) {
  const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  const family = isIP(peer) === 6 ? 'ipv6' : 'ipv4';
  if (peer && trusted.check(peer, family)) return;
  for (const name of FORWARDING_HEADERS) delete req.headers[name];
}

async function main() {
  const port = Number(process.env.WEB_PORT ?? 3000);
  const hostname = process.env.HOST ?? '0.0.0.0';
  const trusted = trustedProxies(process.env.WEB_TRUST_PROXY);
  const app = next({ dev: false, dir: path.dirname(fileURLToPath(import.meta.url)), hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    dropUntrustedForwarding(req, trusted);
    void handle(req, res);
  });
  server.listen(port, hostname, () => console.log(`dashboard listening on http://${hostname}:${port}`));
  for (const signal of ['SIGTERM', 'SIGINT'])
    process.once(signal, () => {
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 5_000).unref();
    });
}

await main();
