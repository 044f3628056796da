import { EmbeddedScene, SceneCSSGridLayout, SceneQueryRunner } from '@grafana/scenes';
import { DATASOURCE_REF } from '../../constants';
import { STATIONS, stationQuery } from '../../utils/utils.weather';
import { RoomsTemperatureStat } from './RoomsTemperatureStat';
import { RoomsTemperatureTable } from './RoomsTemperatureTable';

/**
 * The overview: one temperature query per station, all in one query runner. The table reads every
 * frame; each tile picks the frames of its own station by refId.
 */
export function withDrilldownScene(): EmbeddedScene {
  const readings = new SceneQueryRunner({
    datasource: DATASOURCE_REF,
    maxDataPoints: 180,
    queries: STATIONS.map((station) => stationQuery(station, 'temperature', station.name)),
  });

  return new EmbeddedScene({
    $data: readings,
    // The table on a fixed-height row, the tiles below it taking the height they need.
    body: new SceneCSSGridLayout({
      templateColumns: '1fr',
      templateRows: '300px auto',
      children: [RoomsTemperatureTable(), RoomsTemperatureStat()],
    }),
  });
}
