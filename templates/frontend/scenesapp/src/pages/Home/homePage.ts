import { SceneAppPage } from '@grafana/scenes';
import { ROUTES } from '../../constants';
import { pageRoute } from '../../utils/utils.routing';
import { homeScene } from './homeScene';

/** The app's landing page (plugin.json marks it `defaultNav`). */
export const homePage = new SceneAppPage({
  ...pageRoute(ROUTES.Home),
  title: 'Forecast',
  subTitle: 'Where is it heading? Pick a station and how many forecast runs to compare.',
  getScene: homeScene,
});
