import { expect, test } from '@grafana/plugin-e2e';
import pluginJson from '../src/plugin.json';

const DASHBOARD_FILE = 'dashboard.json';
// The panel editor groups the custom options under the plugin's name.
const PANEL_NAME = pluginJson.name;

test('the panel reports "No data" when the query returns nothing', async ({
  gotoPanelEditPage,
  readProvisionedDashboard,
}) => {
  const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD_FILE });
  const panelEditPage = await gotoPanelEditPage({ dashboard, id: '2' });
  await expect(panelEditPage.panel.locator).toContainText('No data');
});

test('the panel draws its circle when it has data', async ({ gotoPanelEditPage, readProvisionedDashboard, page }) => {
  const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD_FILE });
  await gotoPanelEditPage({ dashboard, id: '1' });
  await expect(page.getByTestId('simple-panel-circle')).toBeVisible();
});

test('the series counter appears when its option is switched on', async ({
  gotoPanelEditPage,
  readProvisionedDashboard,
  page,
}) => {
  const dashboard = await readProvisionedDashboard({ fileName: DASHBOARD_FILE });
  const panelEditPage = await gotoPanelEditPage({ dashboard, id: '1' });
  const options = panelEditPage.getCustomOptions(PANEL_NAME);
  await options.getSwitch('Show series counter').check();
  await expect(page.getByTestId('simple-panel-series-counter')).toBeVisible();
});
