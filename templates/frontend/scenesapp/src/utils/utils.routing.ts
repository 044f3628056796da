import { PLUGIN_BASE_URL, ROUTES } from '../constants';

/** Turns a route segment such as `home` into the absolute URL of that app page. */
export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}

/**
 * The `url` and `routePath` of a top-level page, ready to spread into `new SceneAppPage({ ... })`.
 * Pages with tabs or drilldowns pass `nested`: their route then also matches everything below it.
 */
export function pageRoute(route: ROUTES, nested = false): { url: string; routePath: string } {
  return { url: prefixRoute(route), routePath: nested ? `${route}/*` : route };
}
