/*
 * Webpack configuration, managed by create-grafana-plugin. It follows the layout and conventions
 * of @grafana/create-plugin's .config/ (same files, same npm scripts, same dist/ output), written
 * for this tool rather than copied from create-plugin.
 * Do not edit: to customise the build, merge your changes into it from a config file in the
 * project root (see .config/README.md) and point the npm scripts at that file.
 *
 * Output: dist/module.js, an AMD module that Grafana's loader requests, plus plugin.json,
 * README.md, CHANGELOG.md, LICENSE and images copied from src/ and the project root.
 */
import path from 'path';
import CopyWebpackPlugin from 'copy-webpack-plugin';
import ESLintPlugin from 'eslint-webpack-plugin';
import ForkTsCheckerWebpackPlugin from 'fork-ts-checker-webpack-plugin';
import TerserPlugin from 'terser-webpack-plugin';
import webpack, { type Configuration } from 'webpack';
import LiveReloadPlugin from 'webpack-livereload-plugin';
import { SubresourceIntegrityPlugin } from 'webpack-subresource-integrity';
import VirtualModulesPlugin from 'webpack-virtual-modules';

import { BANNER_TAG, DIST_DIR, SOURCE_DIR } from '../bundler/constants';
import { copyPatterns } from '../bundler/copyFiles';
import { externals } from '../bundler/externals';
import { findEntries, readPackageJson, readPluginJson, runningInWSL, scaffoldVersion } from '../bundler/utils';

/** Values passed on the command line with `--env`, e.g. `--env production`. */
export type Env = {
  [key: string]: true | string | Env;
};

const PUBLIC_PATH_MODULE = 'grafana-public-path';

/**
 * Grafana may serve the plugin from a CDN or a sub-path. This generated module, imported first by
 * every module.ts, asks the AMD loader where module.js came from so that lazily loaded chunks
 * and assets are requested from the same place.
 */
function publicPathModule(pluginId: string) {
  const source = [
    "import amdModule from 'amd-module';",
    'const moduleUrl = amdModule && amdModule.uri;',
    '__webpack_public_path__ = moduleUrl',
    "  ? moduleUrl.slice(0, moduleUrl.lastIndexOf('/') + 1)",
    `  : 'public/plugins/${pluginId}/';`,
    '',
  ].join('\n');
  return new VirtualModulesPlugin({ [`node_modules/${PUBLIC_PATH_MODULE}.js`]: source });
}

/** Backend executables (`<executable>_<os>_<arch>[.exe]`) are built separately: keep them when dist/ is cleaned. */
function isBackendFile(executable: string | undefined) {
  const platformSuffix = /_(linux|darwin|windows|freebsd)_(amd64|arm64|arm|386)(\.exe)?$/;
  return (asset: string) =>
    platformSuffix.test(asset) || (executable !== undefined && asset.startsWith(`${executable}_`));
}

const config = async (env: Env): Promise<Configuration> => {
  const production = Boolean(env.production);
  const mode = production ? 'production' : 'development';
  const root = process.cwd();
  const pluginJson = readPluginJson();
  const pluginVersion = readPackageJson().version;

  const swcOptions = {
    jsc: {
      baseUrl: path.resolve(root, SOURCE_DIR),
      target: 'es2015',
      loose: false,
      parser: { syntax: 'typescript', tsx: true, decorators: false, dynamicImport: true },
    },
  };
  // Hashed names in production keep browser caches honest; readable ones help while developing.
  const assetName = production ? '[hash][ext]' : '[file]';

  const configuration: Configuration = {
    mode,
    context: path.resolve(root, SOURCE_DIR),
    entry: await findEntries(),
    externals,
    devtool: production ? 'source-map' : 'eval-source-map',

    cache: {
      type: 'filesystem',
      // Rebuild from scratch whenever any of the shared build files changes.
      buildDependencies: { config: [path.resolve(root, '.config') + path.sep] },
    },

    experiments: {
      // Allows importing .wasm files (loaded asynchronously).
      asyncWebAssembly: true,
    },

    module: {
      rules: [
        // Loaders of matching rules run last-to-first, so listing this rule first means the
        // public path import is added to module.ts after SWC ran, leaving its source map intact.
        {
          test: /src[\\/](?:.*[\\/])?module\.[jt]sx?$/,
          use: [{ loader: 'imports-loader', options: { imports: `side-effects ${PUBLIC_PATH_MODULE}` } }],
        },
        {
          test: /\.[jt]sx?$/,
          exclude: /node_modules/,
          use: { loader: 'swc-loader', options: swcOptions },
        },
        {
          test: /\.css$/,
          use: ['style-loader', 'css-loader'],
        },
        {
          test: /\.s[ac]ss$/,
          use: ['style-loader', 'css-loader', 'sass-loader'],
        },
        {
          test: /\.(png|jpe?g|gif|svg|webp)$/,
          type: 'asset/resource',
          generator: { filename: assetName },
        },
        {
          test: /\.(woff2?|eot|ttf|otf)(\?v=\d+\.\d+\.\d+)?$/,
          type: 'asset/resource',
          generator: { filename: assetName },
        },
      ],
    },

    optimization: {
      minimize: production,
      minimizer: [
        new TerserPlugin({
          terserOptions: {
            compress: { drop_console: ['log', 'info'] },
            // Keep the build information comment added below. (Terser runs in worker processes,
            // so this must be a RegExp, not a closure.)
            format: { comments: new RegExp(BANNER_TAG.replace(/[[\]]/g, '\\$&')) },
          },
        }),
      ],
    },

    output: {
      path: path.resolve(root, DIST_DIR),
      filename: '[name].js',
      chunkFilename: production ? '[name].js?_cache=[contenthash]' : '[name].js',
      library: { type: 'amd' },
      publicPath: `public/plugins/${pluginJson.id}/`,
      uniqueName: pluginJson.id,
      crossOriginLoading: 'anonymous',
      clean: { keep: isBackendFile(pluginJson.executable) },
    },

    plugins: [
      publicPathModule(pluginJson.id),
      // Build information goes at the end so that module.js still starts with `define(`.
      new webpack.BannerPlugin({
        banner: `/* ${BANNER_TAG} tool: ${scaffoldVersion()} plugin: ${pluginJson.id}@${pluginVersion} */`,
        raw: true,
        entryOnly: true,
        footer: true,
      }),
      new CopyWebpackPlugin({ patterns: copyPatterns(mode) }),
      new SubresourceIntegrityPlugin({ hashFuncNames: ['sha256'] }),
      ...(production
        ? []
        : [
            // `npm run dev`: reload the browser after each rebuild, type-check and lint changed
            // files in the background without blocking the build.
            new LiveReloadPlugin(),
            new ForkTsCheckerWebpackPlugin({
              async: true,
              issue: { include: [{ file: '**/*.{ts,tsx}' }] },
              typescript: { configFile: path.resolve(root, 'tsconfig.json') },
            }),
            new ESLintPlugin({
              extensions: ['.ts', '.tsx'],
              lintDirtyModulesOnly: true,
              failOnError: false,
            }),
          ]),
    ],

    resolve: {
      extensions: ['.js', '.jsx', '.ts', '.tsx'],
      // Lets sources import from the src/ root, e.g. `import { Options } from 'types'`.
      modules: [path.resolve(root, SOURCE_DIR), 'node_modules'],
      unsafeCache: true,
    },
  };

  if (runningInWSL()) {
    configuration.watchOptions = { poll: 3000, ignored: /node_modules/ };
  }

  return configuration;
};

export default config;
