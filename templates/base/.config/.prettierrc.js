/*
 * Shared Prettier settings, managed by create-grafana-plugin.
 * Do not edit: extend them from the project's root .prettierrc.js instead (see .config/README.md).
 */
module.exports = {
  printWidth: 120,
  tabWidth: 2,
  useTabs: false,
  semi: true,
  singleQuote: true,
  jsxSingleQuote: false,
  trailingComma: 'es5',
  endOfLine: 'auto',
};
