// ESLint settings for this plugin.
// The shared rules live in .config/eslint.config.mjs; add project-specific entries after them.
import { defineConfig } from 'eslint/config';

import sharedConfig from './.config/eslint.config.mjs';

export default defineConfig([
  {
    // Generated, installed or third-party files that should never be linted.
    ignores: [
      '**/node_modules/',
      '**/dist/',
      '**/artifacts/',
      '**/coverage/',
      '**/target/',
      '**/.eslintcache',
      '**/*.log',
      'test-results/',
      'playwright-report/',
      'blob-report/',
      'playwright/.cache/',
      'playwright/.auth/',
    ],
  },
  ...sharedConfig,
]);
