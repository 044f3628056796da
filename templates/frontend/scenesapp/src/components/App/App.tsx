import React from 'react';
import { AppRootProps } from '@grafana/data';
import { config } from '@grafana/runtime';
import { SceneApp, useSceneApp } from '@grafana/scenes';
import { Alert } from '@grafana/ui';
import { DATASOURCE_REF } from '../../constants';
import { helloWorldPage } from '../../pages/HelloWorld/helloWorldPage';
import { homePage } from '../../pages/Home/homePage';
import { withDrilldownPage } from '../../pages/WithDrilldown/withDrilldownPage';
import { withTabsPage } from '../../pages/WithTabs/withTabsPage';
import { PluginPropsContext } from '../../utils/utils.plugin';

/** The order of the pages here does not matter: each page matches its own route. */
const createApp = () =>
  new SceneApp({
    pages: [homePage, withTabsPage, withDrilldownPage, helloWorldPage],
    // Time ranges and variables go into the URL from the first render, and each change is a
    // browser history step, so Back undoes it.
    urlSyncOptions: { updateUrlOnInit: true, createBrowserHistorySteps: true },
  });

/** Shown above every page while the TestData data source the demo scenes query is missing. */
function MissingDataSourceNotice() {
  const found = Object.values(config.datasources).some(({ uid }) => uid === DATASOURCE_REF.uid);
  if (found) {
    return null;
  }
  return (
    <Alert severity="warning" title="The demo data source is missing">
      The weather stations of this app are simulated by Grafana&apos;s TestData data source, expected with uid{' '}
      <code>{DATASOURCE_REF.uid}</code>. The docker compose setup of this project provisions it from
      provisioning/datasources/default.yaml.
    </Alert>
  );
}

/** The root of the app; `useSceneApp` creates the SceneApp once and keeps it across renders. */
export default function App(props: AppRootProps) {
  const app = useSceneApp(createApp);

  return (
    <PluginPropsContext.Provider value={props}>
      <MissingDataSourceNotice />
      <app.Component model={app} />
    </PluginPropsContext.Provider>
  );
}
