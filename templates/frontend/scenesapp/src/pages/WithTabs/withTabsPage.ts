import {
  EmbeddedScene,
  PanelBuilders,
  SceneAppPage,
  SceneFlexItem,
  SceneFlexLayout,
  SceneQueryRunner,
  SceneTimePicker,
  SceneTimeRange,
} from '@grafana/scenes';
import { DATASOURCE_REF, ROUTES } from '../../constants';
import { pageRoute, prefixRoute } from '../../utils/utils.routing';
import { Measure, STATIONS, stationQuery } from '../../utils/utils.weather';

/** Every station on one chart, for one measure: the scene of one tab. */
function networkScene(measure: Measure, title: string, unit: string): EmbeddedScene {
  return new EmbeddedScene({
    $data: new SceneQueryRunner({
      datasource: DATASOURCE_REF,
      maxDataPoints: 150,
      queries: STATIONS.map((station) => stationQuery(station, measure, station.name)),
    }),
    body: new SceneFlexLayout({
      children: [
        new SceneFlexItem({ minHeight: 420, body: PanelBuilders.timeseries().setTitle(title).setUnit(unit).build() }),
      ],
    }),
  });
}

/** One tab: a title, the sub-route below this page, and the scene it shows. */
function tab(title: string, subRoute: string, getScene: () => EmbeddedScene): SceneAppPage {
  const route = subRoute ? `${ROUTES.WithTabs}/${subRoute}` : ROUTES.WithTabs;
  return new SceneAppPage({ title, url: prefixRoute(route), routePath: subRoute || '/', getScene });
}

/**
 * Tabs demo. The page itself has no scene: the first tab is shown at the page's own URL and the
 * other at a sub-route, which the page's nested route (`/*`) lets through.
 */
export const withTabsPage = new SceneAppPage({
  ...pageRoute(ROUTES.WithTabs, true),
  title: 'Station network',
  subTitle: 'All stations side by side, one measure per tab. Both tabs share the time range.',
  $timeRange: new SceneTimeRange({ from: 'now-24h', to: 'now' }),
  controls: [new SceneTimePicker({})],
  tabs: [
    tab('Temperature', '', () => networkScene('temperature', 'Air temperature by station', 'celsius')),
    tab('Wind', 'wind', () => networkScene('wind', 'Wind speed by station', 'velocityms')),
  ],
});
