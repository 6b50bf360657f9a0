import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The real server on a throw-away SQLite database, serving the built app from dist/, with one
// staff account (see tests/helpers.ts) created through the server's own command line first.
const port = Number(process.env.E2E_PORT ?? 3197);
const dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
const server = process.env.SERVER_BIN ?? resolve(__dirname, '../target/debug/server');
const staticDir = process.env.STATIC_DIR ?? resolve(__dirname, '../dist');

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `"${server}" users create --email staff@e2e.test --name "Erin Staff" --role staff && exec "${server}"`,
    url: `http://127.0.0.1:${port}/api/ready`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      DATABASE_URL: `sqlite://${join(dataDir, 'e2e.db')}?mode=rwc`,
      BIND_ADDR: `127.0.0.1:${port}`,
      STATIC_DIR: staticDir,
      STORAGE_URL: `file://${join(dataDir, 'storage')}`,
      RUST_LOG: 'warn',
      PASSWORD: 'staff e2e password',
      // Every test signs in; the default limit of 5 a minute is for people, not test suites.
      AUTH_RATE_LIMIT: '0',
    },
  },
});
