// Where the config lives: `SKIFF_CONFIG=owner/repo:path[,path2][@ref]`, or (local mode) one or
// more local paths separated by commas. Each path is a file or a directory; a directory stands
// for every `*.yaml` / `*.yml` below it (a job config directory, or a tree of Prow's
// `_pluginconfig.yaml` / `_prowconfig.yaml` shards), as Prow's `--job-config-path` and
// `--supplemental-*-config-dir` read one.

export type ConfigLocation =
  | { kind: 'repo'; owner: string; repo: string; paths: string[]; ref?: string }
  | { kind: 'file'; paths: string[] };

export class ConfigLocationError extends Error {
  override name = 'ConfigLocationError';
}

const repoForm = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100}):(.+)$/;

export function parseConfigLocation(value: string | undefined, options: { allowFiles: boolean }): ConfigLocation {
  const text = value?.trim();
  if (!text) throw new ConfigLocationError('SKIFF_CONFIG is not set; expected owner/repo:path[,path2][@ref]');
  const match = repoForm.exec(text);
  if (match) {
    const [, owner, repo, rest] = match as unknown as [string, string, string, string];
    const at = rest.lastIndexOf('@');
    const pathList = at >= 0 ? rest.slice(0, at) : rest;
    const ref = at >= 0 ? rest.slice(at + 1).trim() : undefined;
    // `config/jobs/` and `config/jobs` are the same directory.
    const paths = pathList.split(',').map((p) => p.trim().replace(/^\/+/, '').replace(/\/+$/, ''));
    if (paths.some((p) => !p)) throw new ConfigLocationError(`SKIFF_CONFIG "${text}": empty file path`);
    if (at >= 0 && !ref) throw new ConfigLocationError(`SKIFF_CONFIG "${text}": empty ref after "@"`);
    return { kind: 'repo', owner, repo, paths, ...(ref ? { ref } : {}) };
  }
  if (!options.allowFiles) {
    throw new ConfigLocationError(`SKIFF_CONFIG "${text}" is not of the form owner/repo:path[,path2][@ref]`);
  }
  const paths = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (!paths.length) throw new ConfigLocationError(`SKIFF_CONFIG "${text}" names no file`);
  return { kind: 'file', paths };
}

export function describeLocation(location: ConfigLocation): string {
  return location.kind === 'repo'
    ? `${location.owner}/${location.repo}:${location.paths.join(',')}${location.ref ? `@${location.ref}` : ''}`
    : location.paths.join(',');
}
