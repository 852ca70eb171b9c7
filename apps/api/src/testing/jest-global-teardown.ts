import { rm } from 'node:fs/promises';

export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__SWITCHBOARD_TEST_PG__;
  if (!pg) return;
  await pg.stop();
  if (process.env.SWITCHBOARD_TEST_DATA_DIR) {
    await rm(process.env.SWITCHBOARD_TEST_DATA_DIR, { recursive: true, force: true });
  }
}
