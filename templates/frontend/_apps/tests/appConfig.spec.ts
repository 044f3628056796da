import { expect, test } from './fixtures';

test('the app configuration can be saved', async ({ appConfigPage, page }) => {
  // provisioning/plugins/apps.yaml stores an API key, so it shows as configured: reset it first.
  await page.getByRole('button', { name: /reset/i }).click();

  await page.getByRole('textbox', { name: 'API Key' }).fill('my-secret-api-key');
  await page.getByRole('textbox', { name: 'API Url' }).clear();
  await page.getByRole('textbox', { name: 'API Url' }).fill('https://example.com/api');

  const saved = appConfigPage.waitForSettingsResponse();
  await page.getByRole('button', { name: /save api settings/i }).click();
  await expect(saved).toBeOK();
});
