import {
  SceneAppPage,
  SceneAppPageLike,
  SceneRefreshPicker,
  SceneRouteMatch,
  SceneTimePicker,
  SceneTimeRange,
} from '@grafana/scenes';
import { ROUTES } from '../../constants';
import { pageRoute } from '../../utils/utils.routing';
import { findStation, STATIONS_URL } from '../../utils/utils.weather';
import { humidityOverviewScene } from './humidityOverviewScene';
import { temperatureOverviewScene } from './temperatureOverviewScene';
import { withDrilldownScene } from './withDrilldownScene';

/**
 * The page of one station, opened from the overview. It has no scene of its own: each tab brings
 * one, and both share the page's time range and controls, so switching tabs keeps the range.
 */
function stationPage(match: SceneRouteMatch<{ station?: string }>, overview: SceneAppPageLike): SceneAppPage {
  const station = findStation(match.params.station ?? '');
  const stationUrl = `${STATIONS_URL}/${encodeURIComponent(station.name)}`;

  return new SceneAppPage({
    title: station.name,
    subTitle: `Readings of the ${station.name} weather station.`,
    url: `${stationUrl}/temperature`,
    routePath: 'station/:station/*',
    getParentPage: () => overview,
    $timeRange: new SceneTimeRange({ from: 'now-24h', to: 'now' }),
    controls: [new SceneTimePicker({}), new SceneRefreshPicker({ intervals: ['1m', '15m'] })],
    tabs: [
      new SceneAppPage({
        title: 'Temperature and wind',
        url: `${stationUrl}/temperature`,
        routePath: 'temperature',
        getScene: () => temperatureOverviewScene(station),
      }),
      new SceneAppPage({
        title: 'Humidity and rain',
        url: `${stationUrl}/humidity`,
        routePath: 'humidity',
        getScene: () => humidityOverviewScene(station),
      }),
    ],
  });
}

/**
 * Drilldown demo: an overview of every station whose table rows and tiles link to a page per
 * station. (The Room… file names follow Grafana's scenes app layout; the rooms here are stations.)
 */
export const withDrilldownPage = new SceneAppPage({
  ...pageRoute(ROUTES.WithDrilldown, true),
  title: 'Weather stations',
  subTitle: 'Latest temperature at every station. Click a station name or a tile to see all its readings.',
  $timeRange: new SceneTimeRange({ from: 'now-3h', to: 'now' }),
  controls: [new SceneTimePicker({})],
  getScene: withDrilldownScene,
  drilldowns: [{ routePath: 'station/:station/*', getPage: stationPage }],
});
