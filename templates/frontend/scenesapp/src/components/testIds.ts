/** Every test id starts with `data-testid`, which `@grafana/plugin-e2e` selectors also understand. */
const testId = (name: string) => `data-testid ${name}`;

/** Test ids used by the components and looked up by the jest tests and the Playwright specs. */
export const testIds = {
  appConfig: {
    container: testId('app-config-form'),
    apiUrl: testId('app-config-api-url'),
    apiKey: testId('app-config-api-key'),
    submit: testId('app-config-save'),
  },
  home: {
    seriesCount: testId('home-forecast-runs'),
  },
};
