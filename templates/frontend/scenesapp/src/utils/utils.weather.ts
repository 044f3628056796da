import { DataTransformerID } from '@grafana/data';
import { SceneDataQuery, SceneDataTransformer } from '@grafana/scenes';
import { DATASOURCE_REF, ROUTES } from '../constants';
import { prefixRoute } from './utils.routing';

/**
 * A weather station of the demo network. TestData makes the readings up; these numbers only
 * give each station a plausible character.
 */
export interface Station {
  /** Shown in titles and used in URLs (one plain word, so it needs no escaping). */
  name: string;
  /** Typical air temperature, °C. */
  climate: number;
  /** Typical wind speed, m/s. */
  breeze: number;
  /** How wet the station is: 1 is an average share of showers. */
  wetness: number;
}

export const STATIONS: Station[] = [
  { name: 'Tromso', climate: -3, breeze: 7, wetness: 1.2 },
  { name: 'Reykjavik', climate: 2, breeze: 9, wetness: 1.4 },
  { name: 'Galway', climate: 10, breeze: 8, wetness: 2 },
  { name: 'Vienna', climate: 13, breeze: 3, wetness: 0.8 },
  { name: 'Seville', climate: 23, breeze: 2, wetness: 0.2 },
  { name: 'Nairobi', climate: 19, breeze: 4, wetness: 0.9 },
  { name: 'Darwin', climate: 30, breeze: 5, wetness: 1.6 },
];

/** The station a URL names. An unknown name still gets a page, with a mild made-up climate. */
export function findStation(name: string): Station {
  const wanted = name.toLowerCase();
  return (
    STATIONS.find((station) => station.name.toLowerCase() === wanted) ?? { name, climate: 12, breeze: 5, wetness: 1 }
  );
}

/** Station pages live at `<STATIONS_URL>/<name>/<tab>`, below the drilldown page. */
export const STATIONS_URL = `${prefixRoute(ROUTES.WithDrilldown)}/station`;

/** What a station measures; also the default refId of its query. */
export type Measure = 'temperature' | 'wind' | 'humidity' | 'rain';

/** Rain over the time range as shares of an average shower, spread evenly from start to end. */
const SHOWERS = [0, 0, 0.3, 1.5, 2.8, 0.6, 0, 0, 0, 0.4, 1.9, 0.2, 0, 0];

/**
 * A TestData query for one measure at one station. Its series is named after the station.
 * Several stations in one query runner need distinct refIds: pass e.g. the station name.
 */
export function stationQuery(station: Station, measure: Measure, refId: string = measure): SceneDataQuery {
  const common = { refId, datasource: DATASOURCE_REF, alias: station.name };
  switch (measure) {
    case 'temperature':
      return {
        ...common,
        scenarioId: 'random_walk',
        startValue: station.climate,
        spread: 0.8,
        min: station.climate - 12,
        max: station.climate + 12,
      };
    case 'wind':
      return {
        ...common,
        scenarioId: 'random_walk',
        startValue: station.breeze,
        spread: 2,
        noise: 1.5,
        min: 0,
        max: station.breeze * 3,
      };
    case 'humidity':
      return {
        ...common,
        scenarioId: 'random_walk',
        startValue: 55 + station.wetness * 15,
        spread: 4,
        min: 15,
        max: 100,
      };
    case 'rain':
      return {
        ...common,
        scenarioId: 'csv_metric_values',
        stringInput: SHOWERS.map((share) => (share * station.wetness).toFixed(1)).join(','),
      };
  }
}

/** Data of the nearest query runner above, narrowed to the frames of one query. */
export function onlyQuery(refId: string): SceneDataTransformer {
  return new SceneDataTransformer({
    transformations: [{ id: DataTransformerID.filterByRefId, options: { include: refId } }],
  });
}
