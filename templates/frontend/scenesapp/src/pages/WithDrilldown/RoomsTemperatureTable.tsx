import { PanelBuilders, SceneDataTransformer, VizPanel } from '@grafana/scenes';
import { TableCellBackgroundDisplayMode, TableCellDisplayMode, ThresholdsMode } from '@grafana/schema';
import { STATIONS_URL } from '../../utils/utils.weather';

/** Column names after the transformations below: the reduce transformation's names, renamed. */
const COLUMNS = { Field: 'Station', 'Last *': 'Now', Min: 'Low', Max: 'High' };

/**
 * A table with one row per station: its latest, lowest and highest temperature in the time range.
 * The station name links to that station's page.
 */
export function RoomsTemperatureTable(): VizPanel {
  const summary = new SceneDataTransformer({
    transformations: [
      { id: 'reduce', options: { reducers: ['lastNotNull', 'min', 'max'] } },
      { id: 'organize', options: { renameByName: COLUMNS } },
    ],
  });

  return PanelBuilders.table()
    .setTitle('Temperature by station')
    .setData(summary)
    .setUnit('celsius')
    .setDecimals(1)
    .setOption('sortBy', [{ displayName: COLUMNS['Last *'], desc: true }])
    .setThresholds({
      mode: ThresholdsMode.Absolute,
      steps: [
        { value: -Infinity, color: 'blue' },
        { value: 0, color: 'green' },
        { value: 18, color: 'yellow' },
        { value: 27, color: 'red' },
      ],
    })
    .setOverrides((columns) =>
      columns
        .matchFieldsWithName(COLUMNS['Last *'])
        .overrideColor({ mode: 'thresholds' })
        .overrideCustomFieldConfig('cellOptions', {
          type: TableCellDisplayMode.ColorBackground,
          mode: TableCellBackgroundDisplayMode.Gradient,
        })
        .matchFieldsWithName(COLUMNS.Field)
        .overrideLinks([
          // `__url.params` carries the time range over to the station page.
          { title: 'Open this station', url: `${STATIONS_URL}/\${__value.text}/temperature\${__url.params}` },
        ])
    )
    .build();
}
