import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { ports } from './tests/ports';

// The real server on a throw-away SQLite database, serving the built app from dist/, with a staff
// and an admin account (see tests/helpers.ts) created through the server's own command line first.
// Its data jobs read from a local stand-in for the public sources. A second server, with its own
// database, lets the app call it from another origin, where a plain static host serves dist/.
const dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
const server = process.env.SERVER_BIN ?? resolve(__dirname, '../target/debug/server');
const staticDir = process.env.STATIC_DIR ?? resolve(__dirname, '../dist');
const sources = `http://127.0.0.1:${ports.sources}`;
const spaOrigin = `http://127.0.0.1:${ports.spa}`;

function hub(port: number, name: string, env: Record<string, string>) {
  const createUsers = [
    `PASSWORD='staff e2e password' "${server}" users create --email staff@e2e.test --name "Erin Staff" --role staff`,
    `PASSWORD='admin e2e password' "${server}" users create --email admin@e2e.test --name "Ada Admin" --role admin`,
  ].join(' && ');
  return {
    command: `${createUsers} && exec "${server}"`,
    url: `http://127.0.0.1:${port}/api/ready`,
    timeout: 60_000,
    reuseExistingServer: false,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: {
      DATABASE_URL: `sqlite://${join(dataDir, `${name}.db`)}?mode=rwc`,
      BIND_ADDR: `127.0.0.1:${port}`,
      STATIC_DIR: staticDir,
      STORAGE_URL: `file://${join(dataDir, `${name}-storage`)}`,
      RUST_LOG: 'warn',
      // Every test signs in; the default limit of 5 a minute is for people, not test suites.
      AUTH_RATE_LIMIT: '0',
      DISABLE_SCHEDULER: 'true',
      ...env,
    },
  };
}

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${ports.hub}`,
    trace: 'retain-on-failure',
    acceptDownloads: true,
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
  webServer: [
    {
      command: `node static-server.mjs ${ports.sources} fixtures`,
      url: `${sources}/covid/nyt.csv`,
      reuseExistingServer: false,
    },
    hub(ports.hub, 'hub', {
      COVID_NYT_URL: `${sources}/covid/nyt.csv`,
      COVID_JHU_URL: `${sources}/covid/jhu.csv`,
      BLS_PR_URL: `${sources}/pub/time.series/pr/`,
      DATAUSA_POPULATION_URL: `${sources}/api/population`,
      CONTACT_EMAIL: 'e2e@example.org',
    }),
    hub(ports.splitApi, 'split', { ALLOWED_ORIGINS: spaOrigin }),
    {
      command: `node static-server.mjs ${ports.spa} "${staticDir}" --spa`,
      url: `${spaOrigin}/index.html`,
      reuseExistingServer: false,
      env: { CONFIG_JSON: JSON.stringify({ api_base_url: `http://127.0.0.1:${ports.splitApi}` }) },
    },
  ],
});
