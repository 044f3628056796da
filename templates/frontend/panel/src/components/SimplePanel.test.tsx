import React from 'react';
import { render, screen } from '@testing-library/react';
import { createDataFrame, FieldType, getDefaultTimeRange, LoadingState, PanelData, PanelProps } from '@grafana/data';
import { DEFAULT_OPTIONS, SimpleOptions } from '../types';
import { SimplePanel } from './SimplePanel';

function series(name: string) {
  return createDataFrame({
    name,
    fields: [
      { name: 'Time', type: FieldType.time, values: [1, 2] },
      { name: 'Value', type: FieldType.number, values: [10, 20] },
    ],
  });
}

function renderPanel(options: Partial<SimpleOptions>, seriesCount: number) {
  const timeRange = getDefaultTimeRange();
  const data: PanelData = {
    state: LoadingState.Done,
    series: Array.from({ length: seriesCount }, (_, i) => series(`series-${i}`)),
    timeRange,
  };
  const props = {
    id: 1,
    data,
    timeRange,
    timeZone: 'utc',
    options: { ...DEFAULT_OPTIONS, ...options },
    fieldConfig: { defaults: {}, overrides: [] },
    width: 400,
    height: 300,
    transparent: false,
    renderCounter: 0,
    title: 'Test panel',
    eventBus: {} as PanelProps['eventBus'],
    onOptionsChange: jest.fn(),
    onFieldConfigChange: jest.fn(),
    onChangeTimeRange: jest.fn(),
    replaceVariables: (value: string) => value,
  } as PanelProps<SimpleOptions>;
  return render(<SimplePanel {...props} />);
}

describe('SimplePanel', () => {
  it('draws the circle and shows the text option', () => {
    renderPanel({ text: 'Hello panel' }, 1);

    expect(screen.getByTestId('simple-panel-circle')).toBeInTheDocument();
    expect(screen.getByText('Text option value: Hello panel')).toBeInTheDocument();
  });

  it('hides the series counter unless the option is on', () => {
    renderPanel({ showSeriesCount: false }, 3);
    expect(screen.queryByTestId('simple-panel-series-counter')).not.toBeInTheDocument();
  });

  it('counts the series when the option is on', () => {
    renderPanel({ showSeriesCount: true, seriesCountSize: 'lg' }, 3);
    expect(screen.getByTestId('simple-panel-series-counter')).toHaveTextContent('Number of series: 3');
  });

  it('fills the circle with the chosen color', () => {
    renderPanel({ color: '#ff0000' }, 1);
    expect(screen.getByTestId('simple-panel-circle')).toHaveAttribute('fill', '#ff0000');
  });

  it('does not draw the circle without data', () => {
    renderPanel({}, 0);
    expect(screen.queryByTestId('simple-panel-circle')).not.toBeInTheDocument();
  });
});
