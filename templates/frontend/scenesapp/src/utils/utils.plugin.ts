import { createContext, useContext } from 'react';
import { AppRootProps } from '@grafana/data';

/** Makes the props Grafana passed to the app root available to every component below it. */
export const PluginPropsContext = createContext<AppRootProps | null>(null);

export function usePluginProps(): AppRootProps | null {
  return useContext(PluginPropsContext);
}

/** The plugin's metadata (id, settings, ...), or undefined outside the app root. */
export function usePluginMeta() {
  return usePluginProps()?.meta;
}
