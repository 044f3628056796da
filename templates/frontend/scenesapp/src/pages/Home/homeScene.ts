import {
  CustomVariable,
  EmbeddedScene,
  PanelBuilders,
  SceneControlsSpacer,
  SceneDataQuery,
  SceneFlexItem,
  SceneFlexLayout,
  SceneQueryRunner,
  SceneRefreshPicker,
  SceneTimePicker,
  SceneTimeRange,
  SceneVariableSet,
  SceneVariableValueChangedEvent,
  VariableValueSelectors,
} from '@grafana/scenes';
import { DATASOURCE_REF } from '../../constants';
import { findStation, Station, STATIONS, stationQuery } from '../../utils/utils.weather';
import { CustomSceneObject } from './CustomSceneObject';

/**
 * An ensemble forecast: `runs` random walks that all start from the station's typical temperature.
 * TestData gives every run a `run` label, numbered through `$seriesIndex`.
 */
function forecastQuery(station: Station, runs: number): SceneDataQuery {
  return { ...stationQuery(station, 'temperature', 'forecast'), seriesCount: runs, labels: 'run=$seriesIndex' };
}

/**
 * The home scene: a temperature forecast for the next two days. A variable picks the station and a
 * scene object of our own (CustomSceneObject) sets how many forecast runs to draw.
 */
export function homeScene(): EmbeddedScene {
  const stationVariable = new CustomVariable({
    name: 'station',
    label: 'Station',
    query: STATIONS.map((station) => station.name).join(','),
    value: STATIONS[0].name,
    text: STATIONS[0].name,
  });
  const runs = new CustomSceneObject({ counter: 4 });

  const selectedStation = () => findStation(String(stationVariable.getValue()));
  const forecast = new SceneQueryRunner({
    datasource: DATASOURCE_REF,
    maxDataPoints: 200,
    queries: [forecastQuery(selectedStation(), runs.state.counter)],
  });

  // The query is built in code, not from `$station`, so the runner cannot see what it depends on:
  // rebuild and re-run it whenever the station or the number of runs changes.
  const rebuild = () => {
    forecast.setState({ queries: [forecastQuery(selectedStation(), runs.state.counter)] });
    forecast.runQueries();
  };
  forecast.addActivationHandler(() => {
    // The station may have come from the URL after the query above was built.
    if (forecast.state.queries[0]?.alias !== selectedStation().name) {
      rebuild();
    }
    const watchers = [
      stationVariable.subscribeToEvent(SceneVariableValueChangedEvent, rebuild),
      runs.subscribeToState((next, previous) => next.counter !== previous.counter && rebuild()),
    ];
    return () => watchers.forEach((watcher) => watcher.unsubscribe());
  });

  return new EmbeddedScene({
    $timeRange: new SceneTimeRange({ from: 'now', to: 'now+2d' }),
    $variables: new SceneVariableSet({ variables: [stationVariable] }),
    $data: forecast,
    body: new SceneFlexLayout({
      direction: 'column',
      children: [
        new SceneFlexItem({
          minHeight: 360,
          body: PanelBuilders.timeseries()
            .setTitle('Temperature forecast for ${station}')
            .setUnit('celsius')
            .setDisplayName('Run ${__field.labels.run}')
            .setCustomFieldConfig('lineWidth', 2)
            .build(),
        }),
      ],
    }),
    controls: [
      new VariableValueSelectors({}),
      runs,
      new SceneControlsSpacer(),
      new SceneTimePicker({}),
      new SceneRefreshPicker({ intervals: ['1m', '10m', '1h'] }),
    ],
  });
}
