// End-to-end tests: Playwright drives a browser against a running Grafana with this plugin
// installed (`docker compose up --build`). The tests in tests/ use the fixtures of
// @grafana/plugin-e2e, which know how to open panel editors, data source settings and app pages.
// Documentation: https://grafana.com/developers/plugin-tools/e2e-test-a-plugin/introduction
import { dirname } from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import type { PluginOptions } from '@grafana/plugin-e2e';

// @grafana/plugin-e2e ships a setup project that signs in once and saves the session.
const authSetupDir = `${dirname(require.resolve('@grafana/plugin-e2e'))}/auth`;

const onCI = Boolean(process.env.CI);

export default defineConfig<PluginOptions>({
  testDir: './tests',
  fullyParallel: true,
  // A forgotten `test.only` must not silently skip the rest of the suite on CI.
  forbidOnly: onCI,
  retries: onCI ? 2 : 0,
  reporter: onCI ? [['list'], ['html', { open: 'never' }]] : 'html',
  use: {
    baseURL: process.env.GRAFANA_URL ?? 'http://localhost:3000',
    // Keep a trace of retried tests; open it with `npx playwright show-trace`.
    trace: 'on-first-retry',
  },
  projects: [
    {
      name: 'auth',
      testDir: authSetupDir,
      testMatch: [/.*\.js/],
    },
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        // Session saved by the auth project: every test starts signed in as admin.
        storageState: 'playwright/.auth/admin.json',
      },
      dependencies: ['auth'],
    },
  ],
});
