// Packages that Grafana already provides at runtime. They are left out of the bundle and
// requested from Grafana's AMD loader instead, so the plugin shares Grafana's single copy.
import type { Configuration, ExternalItemFunctionData } from 'webpack';

type Callback = (error?: Error, result?: string) => void;

// Imports written `grafana/<module>` refer to Grafana's legacy SDK; strip the prefix.
function legacyGrafanaImports({ request }: ExternalItemFunctionData, callback: Callback) {
  const prefix = 'grafana/';
  if (request?.startsWith(prefix)) {
    return callback(undefined, request.slice(prefix.length));
  }
  return callback();
}

export const externals: Configuration['externals'] = [
  // AMD's special `module` dependency: tells the bundle its own URL (see the public path module).
  { 'amd-module': 'module' },

  // Grafana packages
  /^@grafana\/data/i,
  /^@grafana\/runtime/i,
  /^@grafana\/ui/i,
  '@grafana/slate-react',

  // React and state management
  'react',
  'react-dom',
  'react/jsx-runtime',
  'react/jsx-dev-runtime',
  'react-redux',
  'redux',
  'react-router',

  // Styling
  'emotion',
  '@emotion/css',
  '@emotion/react',

  // General-purpose libraries
  'angular',
  'd3',
  'i18next',
  'jquery',
  'lodash',
  'moment',
  'prismjs',
  'rxjs',
  'slate',
  'slate-plain-serializer',

  legacyGrafanaImports,
];
