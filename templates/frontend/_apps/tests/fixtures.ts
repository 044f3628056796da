import { AppConfigPage, AppPage, test as base } from '@grafana/plugin-e2e';
import pluginJson from '../src/plugin.json';

type AppFixtures = {
  /** The plugin's configuration page, opened. */
  appConfigPage: AppConfigPage;
  /** Opens one page of the app, given its path below /a/<plugin id>. */
  gotoPage: (path?: string) => Promise<AppPage>;
};

export const test = base.extend<AppFixtures>({
  appConfigPage: async ({ gotoAppConfigPage }, use) => {
    await use(await gotoAppConfigPage({ pluginId: pluginJson.id }));
  },
  gotoPage: async ({ gotoAppPage }, use) => {
    await use((path) => gotoAppPage({ pluginId: pluginJson.id, path }));
  },
});

export { expect } from '@grafana/plugin-e2e';
