// `skiff checkconfig`: validates config files exactly as the plugins function loads them, so a
// config change can be checked in CI before it is pushed (Prow's checkconfig).
import { readFile } from 'node:fs/promises';
import { ConfigError, parseConfig } from '../config/parse.js';
import { plugins } from '../plugins/registry.js';

export async function checkConfigFiles(paths: string[]): Promise<{ ok: boolean; lines: string[] }> {
  let files;
  try {
    files = await Promise.all(paths.map(async (path) => ({ path, text: await readFile(path, 'utf8') })));
  } catch (error) {
    return { ok: false, lines: [`cannot read: ${(error as Error).message}`] };
  }
  try {
    const { config, warnings } = parseConfig(files, plugins, paths.join(','));
    const enabled = Object.entries(config.plugins).map(([where, entry]) => `  ${where}: ${entry.plugins.join(', ') || '(none)'}`);
    return { ok: true, lines: [`${paths.join(', ')}: valid`, ...enabled, ...warnings.map((w) => `warning: ${w}`)] };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, lines: [error.message] };
  }
}
