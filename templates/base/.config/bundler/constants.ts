// Directory names shared by the bundler helpers, relative to the project root.

/** Where the plugin's sources, plugin.json and static files live. */
export const SOURCE_DIR = 'src';

/** Where the packaged plugin is written; Grafana loads the plugin from here. */
export const DIST_DIR = 'dist';

/** Marker put at the start of comments that must survive minification. */
export const BANNER_TAG = '[create-grafana-plugin]';
