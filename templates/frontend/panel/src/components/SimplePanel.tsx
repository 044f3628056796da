import React from 'react';
import { css } from '@emotion/css';
import { GrafanaTheme2, PanelProps } from '@grafana/data';
import { PanelDataErrorView } from '@grafana/runtime';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { SeriesCountSize, SimpleOptions } from '../types';

type Props = PanelProps<SimpleOptions>;

/** Draws a circle in the chosen color, the text option and, optionally, how many series the query returned. */
export function SimplePanel({ options, data, width, height, fieldConfig, id }: Props) {
  const theme = useTheme2();
  const styles = useStyles2(getStyles, options.seriesCountSize);

  if (data.series.length === 0) {
    return <PanelDataErrorView panelId={id} fieldConfig={fieldConfig} data={data} needsStringField />;
  }

  const radius = Math.max(0, Math.min(width, height) / 2 - theme.spacing.gridSize * 2);
  const fill = theme.visualization.getColorByName(options.color);

  return (
    <div className={styles.wrapper} style={{ width, height }}>
      <svg
        className={styles.svg}
        width={width}
        height={height}
        viewBox={`${-width / 2} ${-height / 2} ${width} ${height}`}
        xmlns="http://www.w3.org/2000/svg"
      >
        <circle data-testid="simple-panel-circle" r={radius} fill={fill} />
      </svg>

      <div className={styles.textBox}>
        {options.showSeriesCount && (
          <div data-testid="simple-panel-series-counter" className={styles.counter}>
            Number of series: {data.series.length}
          </div>
        )}
        <div data-testid="simple-panel-text">Text option value: {options.text}</div>
      </div>
    </div>
  );
}

// Font size of the series counter for each size option.
function counterFontSize(theme: GrafanaTheme2, size: SeriesCountSize): string {
  switch (size) {
    case 'lg':
      return theme.typography.h3.fontSize;
    case 'md':
      return theme.typography.h5.fontSize;
    default:
      return theme.typography.bodySmall.fontSize;
  }
}

const getStyles = (theme: GrafanaTheme2, size: SeriesCountSize = 'sm') => ({
  wrapper: css({
    position: 'relative',
    fontFamily: theme.typography.fontFamily,
  }),
  svg: css({
    position: 'absolute',
    top: 0,
    left: 0,
  }),
  textBox: css({
    position: 'absolute',
    bottom: 0,
    left: 0,
    padding: theme.spacing(1),
  }),
  counter: css({
    fontSize: counterFontSize(theme, size),
  }),
});
