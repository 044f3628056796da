import React from 'react';
import { PluginPage } from '@grafana/runtime';
import { Card, Stack, Text } from '@grafana/ui';
import { testIds } from '../components/testIds';
import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';

/** The other pages of the app, each with what it shows. */
const TOUR: Array<{ route: ROUTES; heading: string; about: string; testId?: string }> = [
  {
    route: ROUTES.Two,
    heading: 'Plugin backend',
    about: 'A page that talks to the plugin backend, when there is one.',
  },
  { route: ROUTES.Three, heading: 'Route parameters', about: 'A page that reads a value from the end of its URL.' },
  {
    route: ROUTES.Four,
    heading: 'Full-width layout',
    about: "A page that hides Grafana's navigation and uses the whole window.",
    testId: testIds.pageOne.fullWidthCard,
  },
];

/** The landing page: plugin.json makes it the app's default page, and App shows it for unknown routes. */
function PageOne() {
  return (
    <PluginPage>
      <Stack direction="column" gap={2} data-testid={testIds.pageOne.container}>
        <Text element="p">Start here: each card below opens one of the example pages of this app.</Text>
        {TOUR.map(({ route, heading, about, testId }) => (
          <Card key={route} href={prefixRoute(route)} data-testid={testId}>
            <Card.Heading>{heading}</Card.Heading>
            <Card.Description>{about}</Card.Description>
          </Card>
        ))}
      </Stack>
    </PluginPage>
  );
}

export default PageOne;
