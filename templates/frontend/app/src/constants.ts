import pluginJson from './plugin.json';

/** Plugin id as declared in plugin.json. */
export const PLUGIN_ID = pluginJson.id;

/** Every page of the app lives below this URL. */
export const PLUGIN_BASE_URL = `/a/${PLUGIN_ID}`;

/** Route segments of the app pages, relative to PLUGIN_BASE_URL (keep in sync with plugin.json "includes"). */
export enum ROUTES {
  One = 'one',
  Two = 'two',
  Three = 'three',
  Four = 'four',
}
