import React from 'react';
import { PageLayoutType } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Box, LinkButton, Stack, Text } from '@grafana/ui';
import { testIds } from '../components/testIds';
import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';

/** A page in the Canvas layout: Grafana draws no navigation or page header around it. */
function PageFour() {
  return (
    <PluginPage layout={PageLayoutType.Canvas}>
      <Box padding={4} backgroundColor="secondary" minHeight="100%" data-testid={testIds.pageFour.container}>
        <Stack direction="column" gap={3} alignItems="flex-start">
          <LinkButton
            href={prefixRoute(ROUTES.One)}
            icon="arrow-left"
            variant="secondary"
            data-testid={testIds.pageFour.backLink}
          >
            Back to page one
          </LinkButton>
          <Text element="h2">Full-width layout</Text>
          <Text element="p">Without a menu or header around it, this page has the whole window to itself.</Text>
        </Stack>
      </Box>
    </PluginPage>
  );
}

export default PageFour;
