import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { InlineField, Input, SecretInput } from '@grafana/ui';
import { MyDataSourceOptions, MySecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<MyDataSourceOptions, MySecureJsonData>;

const LABEL_WIDTH = 14;
const INPUT_WIDTH = 40;

/** Settings page of one data source instance. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;

  const onPathChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({
      ...options,
      jsonData: { ...jsonData, path: event.target.value },
    });
  };

  // The API key goes to secureJsonData: Grafana encrypts it and never sends it back to the browser.
  const onApiKeyChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({
      ...options,
      secureJsonData: { ...secureJsonData, apiKey: event.target.value },
    });
  };

  // Forgets the stored key, so that a new one can be typed in.
  const onApiKeyReset = () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiKey: false },
      secureJsonData: { ...secureJsonData, apiKey: '' },
    });
  };

  return (
    <>
      <InlineField
        label="Path"
        htmlFor="config-editor-path"
        labelWidth={LABEL_WIDTH}
        interactive
        tooltip="Stored in jsonData: readable by the frontend and the backend"
      >
        <Input
          id="config-editor-path"
          value={jsonData.path ?? ''}
          placeholder="Enter the path, e.g. /api/v1"
          width={INPUT_WIDTH}
          onChange={onPathChange}
        />
      </InlineField>
      <InlineField
        label="API Key"
        htmlFor="config-editor-api-key"
        labelWidth={LABEL_WIDTH}
        interactive
        tooltip="Stored encrypted in secureJsonData: only the backend can read it"
      >
        <SecretInput
          required
          id="config-editor-api-key"
          isConfigured={Boolean(secureJsonFields?.apiKey)}
          value={secureJsonData?.apiKey ?? ''}
          placeholder="Enter your API key"
          width={INPUT_WIDTH}
          onChange={onApiKeyChange}
          onReset={onApiKeyReset}
        />
      </InlineField>
    </>
  );
}
