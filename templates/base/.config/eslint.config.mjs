/*
 * Shared ESLint settings, managed by create-grafana-plugin.
 * Do not edit: extend them from the project's root eslint.config.mjs instead (see .config/README.md).
 */
import { defineConfig } from 'eslint/config';
import grafanaConfig from '@grafana/eslint-config/flat.js';

export default defineConfig([
  // Grafana's recommended rules (React, hooks, TypeScript, JSDoc, Prettier compatibility).
  ...grafanaConfig,
  {
    rules: {
      // Props are typed with TypeScript, runtime prop-types would be redundant.
      'react/prop-types': 'off',
    },
  },
  {
    // Type-aware rules for the plugin sources.
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: {
      parserOptions: { project: './tsconfig.json' },
    },
    rules: {
      // Grafana deprecates APIs well before removing them: surface them without failing the lint.
      '@typescript-eslint/no-deprecated': 'warn',
    },
  },
  {
    // Playwright fixtures are called `use`, which the hooks rule mistakes for a React hook.
    files: ['tests/**/*'],
    rules: {
      'react-hooks/rules-of-hooks': 'off',
    },
  },
]);
