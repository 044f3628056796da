import React from 'react';
import { useParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { Stack, Text, TextLink } from '@grafana/ui';
import { testIds } from '../components/testIds';
import { ROUTES } from '../constants';
import { prefixRoute } from '../utils/utils.routing';

/** Values to try; the last one shows that the parameter arrives decoded. */
const SAMPLES = ['alpha', '2024-06-01', 'two words'];

/** Reads the optional `:id` segment that App's route `three/:id?` puts at the end of the URL. */
function PageThree() {
  const { id } = useParams<{ id?: string }>();

  return (
    <PluginPage>
      <Stack direction="column" gap={1} data-testid={testIds.pageThree.container}>
        <Text element="p">Page three takes an optional parameter from the end of its URL.</Text>
        {id !== undefined ? (
          <Text element="p">
            Parameter received: <Text weight="bold">{id}</Text>
          </Text>
        ) : (
          <>
            <Text element="p">No parameter this time. Open the page with one:</Text>
            <ul>
              {SAMPLES.map((sample) => (
                <li key={sample}>
                  <TextLink href={prefixRoute(`${ROUTES.Three}/${encodeURIComponent(sample)}`)} inline={false}>
                    {sample}
                  </TextLink>
                </li>
              ))}
            </ul>
          </>
        )}
      </Stack>
    </PluginPage>
  );
}

export default PageThree;
