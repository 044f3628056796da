// Small helpers used by the webpack configuration. Paths are resolved from the current
// working directory, which npm sets to the project root when running scripts.
import fs from 'fs';
import os from 'os';
import path from 'path';
import { glob } from 'glob';

import { SOURCE_DIR } from './constants';

export type PluginJson = {
  id: string;
  type: string;
  executable?: string;
  info?: {
    logos?: { small?: string; large?: string };
    screenshots?: Array<{ name?: string; path: string }>;
  };
  [key: string]: unknown;
};

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.resolve(process.cwd(), file), 'utf8')) as T;
}

export function readPackageJson(): { name: string; version: string } {
  return readJson('package.json');
}

export function readPluginJson(): PluginJson {
  return readJson(path.join(SOURCE_DIR, 'plugin.json'));
}

/**
 * Version of create-grafana-plugin recorded in .config/.cgprc.json, if the file exists. (Not
 * create-plugin's .config/.cprc.json: its `update` command would take our version for its own.)
 */
export function scaffoldVersion(): string {
  const file = path.join('.config', '.cgprc.json');
  if (!fs.existsSync(path.resolve(process.cwd(), file))) {
    return 'unknown';
  }
  const { createGrafanaPlugin } = readJson<{ createGrafanaPlugin?: string }>(file);
  return createGrafanaPlugin ?? 'unknown';
}

/** The catalog README (src/README.md) wins over the repository README when both exist. */
export function hasCatalogReadme(): boolean {
  return fs.existsSync(path.resolve(process.cwd(), SOURCE_DIR, 'README.md'));
}

/** File watching through the Windows file system is unreliable in WSL; webpack polls there. */
export function runningInWSL(): boolean {
  if (process.platform !== 'linux') {
    return false;
  }
  if (os.release().toLowerCase().includes('microsoft')) {
    return true;
  }
  try {
    return fs.readFileSync('/proc/version', 'utf8').toLowerCase().includes('microsoft');
  } catch {
    return false;
  }
}

/**
 * One webpack entry per plugin.json that has a module.(ts|tsx|js|jsx) next to it.
 * The root plugin becomes `module`, a nested one (e.g. a data source shipped inside an app)
 * becomes `<dir>/module`, so Grafana finds each bundle next to its plugin.json in dist/.
 */
export async function findEntries(): Promise<Record<string, string>> {
  const sourceRoot = path.resolve(process.cwd(), SOURCE_DIR);
  const manifests = await glob('**/plugin.json', { cwd: sourceRoot, ignore: ['**/node_modules/**'] });
  const entries: Record<string, string> = {};

  for (const manifest of manifests.sort()) {
    const dir = path.dirname(manifest);
    const [moduleFile] = await glob('module.{ts,tsx,js,jsx}', { cwd: path.join(sourceRoot, dir), absolute: true });
    if (!moduleFile) {
      continue;
    }
    const name = dir === '.' ? 'module' : `${dir.split(path.sep).join('/')}/module`;
    entries[name] = moduleFile;
  }

  return entries;
}
