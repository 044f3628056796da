import React, { ChangeEvent, FormEvent, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { css } from '@emotion/css';
import { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Button, Field, FieldSet, Input, SecretInput, useStyles2 } from '@grafana/ui';
import { testIds } from '../testIds';

/** Settings stored in the plugin's `jsonData` (readable by the frontend and the backend). */
export type AppPluginSettings = {
  apiUrl?: string;
};

/** Settings stored in the plugin's `secureJsonData` (encrypted, only the backend can read them). */
export type AppSecureSettings = {
  apiKey?: string;
};

type FormState = {
  apiUrl: string;
  apiKey: string;
  // True while a stored API key exists and the user has not reset it.
  isApiKeySet: boolean;
};

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppPluginSettings>> {}

const AppConfig = ({ plugin }: AppConfigProps) => {
  const styles = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [form, setForm] = useState<FormState>({
    apiUrl: jsonData?.apiUrl ?? '',
    apiKey: '',
    isApiKeySet: Boolean(secureJsonFields?.apiKey),
  });

  const canSave = form.apiUrl !== '' && (form.isApiKeySet || form.apiKey !== '');

  const onApiUrlChange = (event: ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, apiUrl: event.target.value.trim() });

  const onApiKeyChange = (event: ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, apiKey: event.target.value.trim() });

  const onApiKeyReset = () => setForm({ ...form, apiKey: '', isApiKeySet: false });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!canSave) {
      return;
    }
    saveSettingsAndReload(plugin.meta.id, {
      enabled,
      pinned,
      jsonData: { apiUrl: form.apiUrl },
      // Leave the stored secret untouched unless the user typed a new one.
      secureJsonData: form.isApiKeySet ? undefined : { apiKey: form.apiKey },
    });
  };

  return (
    <form onSubmit={onSubmit} data-testid={testIds.appConfig.container}>
      <FieldSet label="API Settings">
        <Field label="API Key" description="Secret key used to authenticate against the API">
          <SecretInput
            width={60}
            id="config-api-key"
            data-testid={testIds.appConfig.apiKey}
            name="apiKey"
            value={form.apiKey}
            isConfigured={form.isApiKeySet}
            placeholder="Your secret API key"
            onChange={onApiKeyChange}
            onReset={onApiKeyReset}
          />
        </Field>

        <Field label="API Url" description="Base URL of the API" className={styles.spaced}>
          <Input
            width={60}
            id="config-api-url"
            data-testid={testIds.appConfig.apiUrl}
            name="apiUrl"
            value={form.apiUrl}
            placeholder="E.g. https://example.com/api/v1"
            onChange={onApiUrlChange}
          />
        </Field>

        <div className={styles.spaced}>
          <Button type="submit" data-testid={testIds.appConfig.submit} disabled={!canSave}>
            Save API settings
          </Button>
        </div>
      </FieldSet>
    </form>
  );
};

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  spaced: css({
    marginTop: theme.spacing(3),
  }),
});

async function saveSettingsAndReload(
  pluginId: string,
  settings: Partial<PluginMeta<AppPluginSettings>> & { secureJsonData?: AppSecureSettings }
) {
  try {
    await lastValueFrom(
      getBackendSrv().fetch({
        url: `/api/plugins/${pluginId}/settings`,
        method: 'POST',
        data: settings,
      })
    );
    // Grafana keeps the plugin settings it loaded at start-up; a reload makes the new ones visible.
    window.location.reload();
  } catch (error) {
    console.error('Could not save the plugin settings', error);
  }
}
