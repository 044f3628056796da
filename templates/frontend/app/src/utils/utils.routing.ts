import { PLUGIN_BASE_URL } from '../constants';

/** Turns a route segment such as `two` into the absolute URL of that app page. */
export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
