import { ReducerID } from '@grafana/data';
import { EmbeddedScene, PanelBuilders, SceneCSSGridLayout, SceneQueryRunner } from '@grafana/scenes';
import { GraphDrawStyle } from '@grafana/schema';
import { DATASOURCE_REF } from '../../constants';
import { onlyQuery, Station, stationQuery } from '../../utils/utils.weather';

/**
 * Second tab of a station page: relative humidity and rainfall, each with a gauge or total
 * beside it. Like the first tab, it takes its time range from the station page.
 */
export function humidityOverviewScene(station: Station): EmbeddedScene {
  const humidity = PanelBuilders.timeseries()
    .setTitle('Relative humidity')
    .setData(onlyQuery('humidity'))
    .setUnit('humidity')
    .setMin(0)
    .setMax(100)
    .setCustomFieldConfig('fillOpacity', 15)
    .build();

  const humidityNow = PanelBuilders.gauge()
    .setTitle('Humidity now')
    .setData(onlyQuery('humidity'))
    .setUnit('humidity')
    .setMin(0)
    .setMax(100)
    .setOption('reduceOptions', { calcs: [ReducerID.lastNotNull], values: false })
    .build();

  const rain = PanelBuilders.timeseries()
    .setTitle('Rainfall')
    .setData(onlyQuery('rain'))
    .setUnit('lengthmm')
    .setCustomFieldConfig('drawStyle', GraphDrawStyle.Bars)
    .setCustomFieldConfig('fillOpacity', 80)
    .setColor({ mode: 'fixed', fixedColor: 'blue' })
    .build();

  const rainTotal = PanelBuilders.stat()
    .setTitle('Rain in this period')
    .setData(onlyQuery('rain'))
    .setUnit('lengthmm')
    .setDecimals(1)
    .setOption('reduceOptions', { calcs: [ReducerID.sum], values: false })
    .build();

  return new EmbeddedScene({
    $data: new SceneQueryRunner({
      datasource: DATASOURCE_REF,
      maxDataPoints: 240,
      queries: [stationQuery(station, 'humidity'), stationQuery(station, 'rain')],
    }),
    body: new SceneCSSGridLayout({
      templateColumns: 'minmax(0, 1fr) 220px',
      autoRows: '280px',
      children: [humidity, humidityNow, rain, rainTotal],
    }),
  });
}
