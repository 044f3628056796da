/*
 * Shared Jest settings, managed by create-grafana-plugin.
 * Do not edit: extend them from the project's root jest.config.js instead (see .config/README.md).
 */
const path = require('path');

const { esmPackages, transformOnly } = require('./jest/utils');

module.exports = {
  testEnvironment: 'jest-environment-jsdom',
  setupFilesAfterEnv: ['<rootDir>/jest-setup.js'],

  // Unit tests live next to the code in src/; tests/ holds the Playwright end-to-end suite.
  testMatch: ['<rootDir>/src/**/__tests__/**/*.{js,jsx,ts,tsx}', '<rootDir>/src/**/*.{spec,test,jest}.{js,jsx,ts,tsx}'],
  // Same root-relative imports as webpack (`import { x } from 'types'`).
  modulePaths: ['<rootDir>/src'],
  // Never index build output; a Rust target/ directory can hold many thousands of files.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/target/'],
  watchPathIgnorePatterns: ['<rootDir>/node_modules/', '<rootDir>/dist/', '<rootDir>/target/'],

  moduleNameMapper: {
    // Stylesheets become plain objects whose keys are the class names.
    '\\.(css|scss|sass)$': 'identity-obj-proxy',
    // @grafana/ui icons would otherwise fetch SVG files over the network.
    'react-inlinesvg': path.resolve(__dirname, 'jest', 'mocks', 'react-inlinesvg.tsx'),
  },

  // TypeScript, JSX and ES modules (including .mjs files from node_modules) are compiled by SWC.
  transform: {
    '^.+\\.(mjs|cjs|[jt]sx?)$': [
      '@swc/jest',
      {
        sourceMaps: 'inline',
        jsc: {
          parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
        },
      },
    ],
  },
  // node_modules are not compiled, except packages that only ship ES modules (see jest/utils.js).
  transformIgnorePatterns: [transformOnly(esmPackages)],
};
