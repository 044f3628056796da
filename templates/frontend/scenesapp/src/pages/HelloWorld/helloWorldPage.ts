import { SceneAppPage } from '@grafana/scenes';
import { ROUTES } from '../../constants';
import { pageRoute } from '../../utils/utils.routing';
import { helloWorldScene } from './helloWorldScene';

/** The smallest kind of page: a route and one scene, without tabs, drilldowns or controls. */
export const helloWorldPage = new SceneAppPage({
  ...pageRoute(ROUTES.HelloWorld),
  title: 'Hello world',
  subTitle: 'One route, one scene: the smallest page a scenes app can have.',
  getScene: helloWorldScene,
});
