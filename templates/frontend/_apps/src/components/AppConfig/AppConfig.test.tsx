import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { PluginType } from '@grafana/data';
import AppConfig, { AppConfigProps } from './AppConfig';
import { testIds } from '../testIds';

function renderConfig(meta: Partial<AppConfigProps['plugin']['meta']> = {}) {
  const props = {
    plugin: {
      meta: {
        id: 'acme-test-app',
        name: 'Test App',
        type: PluginType.app,
        enabled: true,
        jsonData: {},
        ...meta,
      },
    },
    query: {},
  } as unknown as AppConfigProps;
  return render(<AppConfig {...props} />);
}

describe('AppConfig', () => {
  it('shows the API settings with an API key, an API url and a save button', () => {
    renderConfig();

    expect(screen.getByRole('group', { name: /api settings/i })).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.apiKey)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.appConfig.apiUrl)).toHaveValue('');
    expect(screen.getByRole('button', { name: /save api settings/i })).toBeDisabled();
  });

  it('fills the form from the stored settings', () => {
    renderConfig({ jsonData: { apiUrl: 'https://example.com/api' }, secureJsonFields: { apiKey: true } });

    expect(screen.getByTestId(testIds.appConfig.apiUrl)).toHaveValue('https://example.com/api');
    // A stored secret is shown as "configured" and can only be reset, which enables saving right away.
    expect(screen.getByRole('button', { name: /reset/i })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /save api settings/i })).toBeEnabled();
  });

  it('enables saving once both an API url and an API key are entered', () => {
    renderConfig();
    const save = screen.getByRole('button', { name: /save api settings/i });

    fireEvent.change(screen.getByTestId(testIds.appConfig.apiUrl), { target: { value: 'https://example.com/api' } });
    expect(save).toBeDisabled();

    fireEvent.change(screen.getByTestId(testIds.appConfig.apiKey), { target: { value: 'secret' } });
    expect(save).toBeEnabled();
  });

  it('requires a new API key after the stored one is reset', () => {
    renderConfig({ jsonData: { apiUrl: 'https://example.com/api' }, secureJsonFields: { apiKey: true } });

    fireEvent.click(screen.getByRole('button', { name: /reset/i }));

    expect(screen.getByRole('button', { name: /save api settings/i })).toBeDisabled();
    expect(screen.getByTestId(testIds.appConfig.apiKey)).toHaveValue('');
  });
});
