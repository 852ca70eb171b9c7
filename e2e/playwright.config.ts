import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';

// The real stack on ports of its own (API 4400, dashboard 3400) over a fresh embedded PostgreSQL,
// driven in Debian's Chromium (never a downloaded browser).
export const E2E = {
  apiUrl: 'http://127.0.0.1:4400',
  webUrl: 'http://127.0.0.1:3400',
  masterKey: 'sk-sb-e2e-master-key-0123456789abcdef',
  dataDir: path.join(os.tmpdir(), 'switchboard-e2e'),
  upstreamPorts: [4401, 4402, 4403],
  /** The in-process OpenID Connect provider (global-setup.ts) the SSO test signs in through. */
  oidc: { port: 4405, clientId: 'switchboard-e2e', clientSecret: 'switchboard-e2e-client-secret' },
};

export default defineConfig({
  testDir: './tests',
  testMatch: '**/*.e2e.ts',
  outputDir: './artifacts/results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { outputFolder: './artifacts/report', open: 'never' }]],
  globalSetup: './global-setup.ts',
  use: {
    baseURL: E2E.webUrl,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: `rm -rf "${E2E.dataDir}" && node scripts/start.mjs`,
    cwd: path.resolve(__dirname, '..'),
    url: `${E2E.webUrl}/login`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    env: {
      PORT: '4400',
      WEB_PORT: '3400',
      API_INTERNAL_URL: E2E.apiUrl,
      DATA_DIR: E2E.dataDir,
      MASTER_KEY: E2E.masterKey,
      ENCRYPTION_KEY: 'e2e-encryption-key-0123456789abcdef0123456789',
      LOG_LEVEL: 'warn',
      LOG_FLUSH_INTERVAL_MS: '200',
      // Alert rules evaluated every second, so the alerts test sees a firing alert quickly.
      ALERT_EVALUATION_INTERVAL_MS: '1000',
      SWITCHBOARD_PUBLIC_URL: 'http://switchboard:4000',
      OIDC_ISSUER: 'http://127.0.0.1:4405',
      OIDC_CLIENT_ID: 'switchboard-e2e',
      OIDC_CLIENT_SECRET: 'switchboard-e2e-client-secret',
      OIDC_REDIRECT_URL: 'http://127.0.0.1:3400/api/auth/oidc/callback',
      OIDC_SCOPES: 'openid email profile groups',
      OIDC_ALLOWED_DOMAINS: 'example.com',
      OIDC_ROLE_CLAIM: 'groups',
      OIDC_ROLE_MAP: 'sb-operators=operator',
      OIDC_LABEL: 'Example SSO',
    },
  },
});
