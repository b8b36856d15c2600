// `skiff checkconfig`: validates config files exactly as the plugins function loads them, so a
// config change can be checked in CI before it is pushed (Prow's checkconfig). It never crashes:
// whatever is wrong — a missing file, a directory, binary garbage, a YAML bomb — is a line that
// names the file.
import { readFile } from 'node:fs/promises';
import { describeError } from '../github/errors.js';
import { ConfigError, parseConfig, type ConfigFile } from '../config/parse.js';
import { plugins } from '../plugins/registry.js';

export async function checkConfigFiles(paths: string[]): Promise<{ ok: boolean; lines: string[] }> {
  const read = await Promise.all(
    paths.map(async (path): Promise<ConfigFile | string> => {
      try {
        return { path, text: await readFile(path, 'utf8') };
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        return `${path}: cannot read: ${code === 'EISDIR' ? 'it is a directory' : describeError(error)}`;
      }
    }),
  );
  const unreadable = read.filter((r): r is string => typeof r === 'string');
  if (unreadable.length) return { ok: false, lines: unreadable };
  const files = read as ConfigFile[];
  try {
    const { config, warnings } = parseConfig(files, plugins, paths.join(','));
    const enabled = Object.entries(config.plugins).map(([where, entry]) => `  ${where}: ${entry.plugins.join(', ') || '(none)'}`);
    return { ok: true, lines: [`${paths.join(', ')}: valid`, ...enabled, ...warnings.map((w) => `warning: ${w}`)] };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, lines: [error.message] };
    // parseConfig reports each file's problems itself; anything else is a bug, still reported.
    return { ok: false, lines: [`${paths.join(', ')}: cannot check: ${describeError(error)}`] };
  }
}
