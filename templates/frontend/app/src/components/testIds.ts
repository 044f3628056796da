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
  pageOne: {
    container: testId('page-one'),
    fullWidthCard: testId('page-one-full-width-card'),
  },
  pageTwo: {
    container: testId('page-two'),
    backendStatus: testId('page-two-backend-status'),
  },
  pageThree: {
    container: testId('page-three'),
  },
  pageFour: {
    container: testId('page-four'),
    backLink: testId('page-four-back'),
  },
};
