/** Sizes of the series counter. */
export type SeriesCountSize = 'sm' | 'md' | 'lg';

/** Options of the panel, edited in the panel editor (see module.ts). */
export interface SimpleOptions {
  text: string;
  showSeriesCount: boolean;
  seriesCountSize: SeriesCountSize;
  /** Color of the circle: a Grafana color name (such as `green`) or any CSS color. */
  color: string;
}

export const DEFAULT_OPTIONS: SimpleOptions = {
  text: 'Default value of text input option',
  showSeriesCount: false,
  seriesCountSize: 'sm',
  color: 'blue',
};
