import { PanelPlugin } from '@grafana/data';
import { SimplePanel } from './components/SimplePanel';
import { DEFAULT_OPTIONS, SimpleOptions } from './types';

export const plugin = new PanelPlugin<SimpleOptions>(SimplePanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'text',
      name: 'Simple text option',
      description: 'Text shown at the bottom of the panel',
      defaultValue: DEFAULT_OPTIONS.text,
    })
    .addColorPicker({
      path: 'color',
      name: 'Circle color',
      defaultValue: DEFAULT_OPTIONS.color,
    })
    .addBooleanSwitch({
      path: 'showSeriesCount',
      name: 'Show series counter',
      defaultValue: DEFAULT_OPTIONS.showSeriesCount,
    })
    .addRadio({
      path: 'seriesCountSize',
      name: 'Series counter size',
      defaultValue: DEFAULT_OPTIONS.seriesCountSize,
      settings: {
        options: [
          { value: 'sm', label: 'Small' },
          { value: 'md', label: 'Medium' },
          { value: 'lg', label: 'Large' },
        ],
      },
      // Only relevant while the counter is shown.
      showIf: (options) => options.showSeriesCount,
    })
);
