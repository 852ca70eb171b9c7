import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GATEWAY_NODE_FLAGS } from './gateway-node-flags.mjs';

describe('gateway node flags', () => {
  it('are the ones the Docker image starts the gateway with', () => {
    const dockerfile = readFileSync(path.join(__dirname, '../docker/Dockerfile'), 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile);
    expect(cmd).not.toBeNull();
    expect(JSON.parse(cmd![1])).toEqual(['node', ...GATEWAY_NODE_FLAGS, 'apps/api/dist/main.js']);
  });
});
