import { ReducerID } from '@grafana/data';
import { PanelBuilders, VizPanel } from '@grafana/scenes';
import { onlyQuery } from '../../utils/utils.weather';

/**
 * One number about a station's temperature over the time range: `calc` says which one
 * (ReducerID.min for the lowest, ReducerID.lastNotNull for the latest, ...).
 */
export function RoomTemperatureStat(label: string, calc: ReducerID): VizPanel {
  return PanelBuilders.stat()
    .setTitle(label)
    .setData(onlyQuery('temperature'))
    .setUnit('celsius')
    .setDecimals(1)
    .setOption('reduceOptions', { calcs: [calc], values: false })
    .build();
}
