import { startFakeUpstream, type FakeUpstream } from '../apps/fake-upstream/src';
import { E2E } from './playwright.config';

/** Three fake OpenAI upstreams on fixed loopback ports, for the whole run. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const upstreams: FakeUpstream[] = [];
  for (const [i, port] of E2E.upstreamPorts.entries()) {
    upstreams.push(await startFakeUpstream({ name: `up${i + 1}`, port, host: '127.0.0.1' }));
  }
  return async () => {
    await Promise.all(upstreams.map((u) => u.close()));
  };
}
