// Static files copied next to the bundle in dist/. Grafana reads plugin.json, the README
// (shown on the plugin's catalog page), the logos and screenshots from the plugin folder.
import { hasCatalogReadme, readPackageJson, readPluginJson } from './utils';

type BuildMode = 'production' | 'development';

/** The build date: SOURCE_DATE_EPOCH (seconds, for reproducible builds) when set, else today. */
function buildDate(): string {
  const epoch = Number(process.env.SOURCE_DATE_EPOCH);
  const date = process.env.SOURCE_DATE_EPOCH && Number.isInteger(epoch) ? new Date(epoch * 1000) : new Date();
  return date.toISOString().slice(0, 10);
}

/** Fills the placeholders that plugin.json and the README may contain. */
function fillPlaceholders(text: string, pluginId: string): string {
  const today = buildDate();
  return text
    .replace(/%VERSION%/g, readPackageJson().version)
    .replace(/%TODAY%/g, today)
    .replace(/%PLUGIN_ID%/g, pluginId);
}

export function copyPatterns(mode: BuildMode) {
  const pluginJson = readPluginJson();
  const id = pluginJson.id;
  const images = [pluginJson.info?.logos?.small, pluginJson.info?.logos?.large]
    .concat((pluginJson.info?.screenshots ?? []).map((shot) => shot.path))
    .filter((file): file is string => Boolean(file));

  return [
    // Every plugin.json (nested plugins included) gets its placeholders filled and the build mode recorded.
    {
      from: '**/plugin.json',
      to: '[path][name][ext]',
      transform: (content: Buffer) => {
        const manifest = JSON.parse(fillPlaceholders(content.toString(), id));
        return JSON.stringify({ ...manifest, buildMode: mode }, null, 2) + '\n';
      },
    },
    // Other JSON files under src/ (e.g. dashboards bundled with an app) are copied as they are.
    { from: '**/*.json', to: '[path][name][ext]', globOptions: { ignore: ['**/plugin.json'] }, noErrorOnMissing: true },
    {
      from: hasCatalogReadme() ? 'README.md' : '../README.md',
      to: 'README.md',
      force: true,
      transform: (content: Buffer) => fillPlaceholders(content.toString(), id),
    },
    { from: '../CHANGELOG.md', to: 'CHANGELOG.md', force: true },
    { from: '../LICENSE', to: 'LICENSE', toType: 'file' as const, noErrorOnMissing: true },
    { from: 'img/**/*', to: '[path][name][ext]', noErrorOnMissing: true },
    // Logos and screenshots referenced by plugin.json that live outside img/.
    ...images.filter((file) => !file.startsWith('img/')).map((file) => ({ from: file, to: file })),
    { from: '**/query_help.md', to: '[path][name][ext]', noErrorOnMissing: true },
  ];
}
