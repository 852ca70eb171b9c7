// `prisma generate` without the native schema engine (which it would try to download):
// generation does not use the engine, so any existing file satisfies the CLI's check.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
};
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const prisma = fileURLToPath(new URL('../node_modules/prisma/build/index.js', import.meta.url));
const res = spawnSync(process.execPath, [prisma, 'generate'], { stdio: 'inherit', env });
process.exit(res.status ?? 1);
