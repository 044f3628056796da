import React, { ComponentType, lazy, Suspense } from 'react';
import { AppPlugin, type AppRootProps } from '@grafana/data';
import { initPluginTranslations } from '@grafana/i18n';
import { loadResources } from '@grafana/scenes';
import { LoadingPlaceholder } from '@grafana/ui';
import type { AppConfigProps } from './components/AppConfig/AppConfig';
import pluginJson from './plugin.json';

// The scenes library brings UI strings of its own; they must be registered before the first render.
await initPluginTranslations(pluginJson.id, [loadResources]);

/**
 * Wraps a component that is loaded on first use: webpack puts it in a chunk of its own, and Grafana
 * only downloads that chunk when the component is shown.
 */
function loadOnDemand<Props extends object>(
  load: () => Promise<{ default: ComponentType<Props> }>
): ComponentType<Props> {
  // React's lazy() types lose generic props, so only this inner component is typed loosely.
  const Loaded = lazy<ComponentType<any>>(load);
  return function OnDemand(props: Props) {
    return (
      <Suspense fallback={<LoadingPlaceholder text="Loading..." />}>
        <Loaded {...props} />
      </Suspense>
    );
  };
}

const App = loadOnDemand<AppRootProps>(() => import('./components/App/App'));
const AppConfig = loadOnDemand<AppConfigProps>(() => import('./components/AppConfig/AppConfig'));

export const plugin = new AppPlugin<{}>().setRootPage(App).addConfigPage({
  id: 'configuration',
  title: 'Configuration',
  icon: 'cog',
  body: AppConfig,
});
