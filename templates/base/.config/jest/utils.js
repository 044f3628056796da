/*
 * Helpers for the shared Jest settings, managed by create-grafana-plugin.
 */

/**
 * Dependencies (mostly pulled in by @grafana/*) that are published only as ES modules.
 * Jest runs CommonJS, so these must be compiled like our own sources.
 * Entries are regular-expression fragments matched against the package name.
 */
const esmPackages = [
  '@grafana/schema',
  '@wojtekmaj/date-utils',
  'd3',
  'd3-[^/]+',
  'delaunator',
  'get-user-locale',
  'internmap',
  'marked',
  'memoize',
  'mimic-function',
  'ol',
  'react-calendar',
  'react-colorful',
  'robust-predicates',
  'rxjs',
  'uuid',
];

/**
 * Builds a `transformIgnorePatterns` entry that skips everything in node_modules except the
 * given packages. Only the package that owns the file counts, i.e. the one after the *last*
 * `node_modules/` in its path, so nested and pnpm layouts
 * (`node_modules/.pnpm/d3-color@3.1.0/node_modules/d3-color/...`) work too.
 *
 * @param {string[]} packages regular-expression fragments for package names
 * @returns {string}
 */
function transformOnly(packages) {
  return `/node_modules/(?!.*/node_modules/)(?!(?:${packages.join('|')})/)`;
}

module.exports = { esmPackages, transformOnly };
