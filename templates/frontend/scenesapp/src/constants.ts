import pluginJson from './plugin.json';

/** Plugin id as declared in plugin.json. */
export const PLUGIN_ID = pluginJson.id;

/** Every page of the app lives below this URL. */
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** Route segments of the app pages, relative to PLUGIN_BASE_URL (keep in sync with plugin.json "includes"). */
export enum ROUTES {
  Home = 'home',
  WithTabs = 'page-with-tabs',
  WithDrilldown = 'page-with-drilldown',
  HelloWorld = 'hello-world',
}

/**
 * The demo scenes read Grafana's built-in TestData data source.
 * provisioning/datasources/default.yaml creates it with this uid.
 */
export const DATASOURCE_REF = {
  uid: 'gdev-testdata',
  type: 'grafana-testdata-datasource',
};
