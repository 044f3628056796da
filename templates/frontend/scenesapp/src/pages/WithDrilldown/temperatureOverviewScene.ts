import { ReducerID } from '@grafana/data';
import { EmbeddedScene, PanelBuilders, SceneCSSGridLayout, SceneQueryRunner } from '@grafana/scenes';
import { GraphDrawStyle, GraphGradientMode } from '@grafana/schema';
import { DATASOURCE_REF } from '../../constants';
import { onlyQuery, Station, stationQuery } from '../../utils/utils.weather';
import { RoomTemperatureStat } from './RoomTemperatureStat';

/**
 * First tab of a station page, a two-by-two grid: air temperature next to three key figures,
 * wind speed next to the strongest gust. The time range comes from the station page around it.
 */
export function temperatureOverviewScene(station: Station): EmbeddedScene {
  const temperature = PanelBuilders.timeseries()
    .setTitle('Air temperature')
    .setData(onlyQuery('temperature'))
    .setUnit('celsius')
    .setColor({ mode: 'continuous-BlYlRd' })
    .setCustomFieldConfig('gradientMode', GraphGradientMode.Scheme)
    .build();

  const keyFigures = new SceneCSSGridLayout({
    templateRows: 'repeat(3, 1fr)',
    children: [
      RoomTemperatureStat('Now', ReducerID.lastNotNull),
      RoomTemperatureStat('Lowest', ReducerID.min),
      RoomTemperatureStat('Highest', ReducerID.max),
    ],
  });

  const wind = PanelBuilders.timeseries()
    .setTitle('Wind speed')
    .setData(onlyQuery('wind'))
    .setUnit('velocityms')
    .setMin(0)
    .setCustomFieldConfig('drawStyle', GraphDrawStyle.Bars)
    .setCustomFieldConfig('fillOpacity', 60)
    .build();

  const strongestGust = PanelBuilders.stat()
    .setTitle('Strongest gust')
    .setData(onlyQuery('wind'))
    .setUnit('velocityms')
    .setOption('reduceOptions', { calcs: [ReducerID.max], values: false })
    .build();

  return new EmbeddedScene({
    $data: new SceneQueryRunner({
      datasource: DATASOURCE_REF,
      maxDataPoints: 240,
      queries: [stationQuery(station, 'temperature'), stationQuery(station, 'wind')],
    }),
    body: new SceneCSSGridLayout({
      templateColumns: 'minmax(0, 1fr) 220px',
      templateRows: '330px 230px',
      children: [temperature, keyFigures, wind, strongestGust],
    }),
  });
}
