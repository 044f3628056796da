import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { DataSourceSettings } from '@grafana/data';
import { MyDataSourceOptions, MySecureJsonData } from '../types';
import { ConfigEditor } from './ConfigEditor';

type Settings = DataSourceSettings<MyDataSourceOptions, MySecureJsonData>;

function setup(overrides: Partial<Settings> = {}) {
  const options = {
    id: 1,
    uid: 'test-uid',
    name: 'Test',
    type: 'acme-test-datasource',
    jsonData: { path: '/api/v1' },
    secureJsonFields: {},
    ...overrides,
  } as unknown as Settings;
  const onOptionsChange = jest.fn();
  render(<ConfigEditor options={options} onOptionsChange={onOptionsChange} />);
  return { options, onOptionsChange };
}

describe('ConfigEditor', () => {
  it('shows the stored path and an empty API key', () => {
    setup();

    expect(screen.getByRole('textbox', { name: 'Path' })).toHaveValue('/api/v1');
    expect(screen.getByLabelText('API Key')).toHaveValue('');
  });

  it('stores the path in jsonData', () => {
    const { onOptionsChange } = setup();

    fireEvent.change(screen.getByRole('textbox', { name: 'Path' }), { target: { value: '/api/v2' } });

    expect(onOptionsChange).toHaveBeenCalledWith(expect.objectContaining({ jsonData: { path: '/api/v2' } }));
  });

  it('stores the API key in secureJsonData', () => {
    const { onOptionsChange } = setup();

    fireEvent.change(screen.getByLabelText('API Key'), { target: { value: 's3cret' } });

    expect(onOptionsChange).toHaveBeenCalledWith(expect.objectContaining({ secureJsonData: { apiKey: 's3cret' } }));
  });

  it('resets a stored API key', () => {
    const { onOptionsChange } = setup({ secureJsonFields: { apiKey: true } });

    fireEvent.click(screen.getByRole('button', { name: /reset/i }));

    expect(onOptionsChange).toHaveBeenCalledWith(
      expect.objectContaining({ secureJsonFields: { apiKey: false }, secureJsonData: { apiKey: '' } })
    );
  });
});
