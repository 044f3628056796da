import { PanelBuilders, SceneCSSGridLayout } from '@grafana/scenes';
import { BigValueColorMode, BigValueGraphMode } from '@grafana/schema';
import { onlyQuery, Station, STATIONS, STATIONS_URL } from '../../utils/utils.weather';

/** A tile with a station's latest temperature and a sparkline; it links to the station's page. */
function stationTile(station: Station) {
  return PanelBuilders.stat()
    .setTitle(station.name)
    .setData(onlyQuery(station.name))
    .setUnit('celsius')
    .setDecimals(1)
    .setOption('graphMode', BigValueGraphMode.Area)
    .setOption('colorMode', BigValueColorMode.None)
    .setLinks([{ title: `Open ${station.name}`, url: `${STATIONS_URL}/${station.name}/temperature\${__url.params}` }])
    .build();
}

/** A grid of tiles, one per station, as many per row as fit. */
export function RoomsTemperatureStat(): SceneCSSGridLayout {
  return new SceneCSSGridLayout({
    templateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
    autoRows: '130px',
    children: STATIONS.map(stationTile),
  });
}
