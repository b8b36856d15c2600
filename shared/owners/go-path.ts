// Go's path.Clean / filepath.Dir / filepath.Join / filepath.Rel for `/`-separated repository
// paths. OWNERS and the approvers algorithm walk directories the way Prow does
// (pkg/repoowners, pkg/plugins/approve/approvers), and the edge cases matter: Dir("a.go") is ".",
// Dir("a/") is "a", Join("", "OWNERS") is "OWNERS". Node's path.posix differs on some of them
// (dirname("a/") is "."), so these follow Go's source instead.

/** Go's path.Clean: the shortest equivalent path, "." for an empty one. */
export function goClean(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's filepath.Dir: everything up to the last `/`, cleaned ("." when there is no `/`). */
export function goDir(path: string): string {
  return goClean(path.slice(0, path.lastIndexOf('/') + 1));
}

/** Go's filepath.Join: the non-empty elements joined by `/` and cleaned ("" when all are empty). */
export function goJoin(...elements: string[]): string {
  const nonEmpty = elements.filter((e) => e !== '');
  return nonEmpty.length === 0 ? '' : goClean(nonEmpty.join('/'));
}

/** Go's filepath.Rel; `undefined` where Go returns an error (one path rooted, the other not). */
export function goRel(base: string, target: string): string | undefined {
  const b = goClean(base);
  const t = goClean(target);
  if (b === t) return '.';
  if (b.startsWith('/') !== t.startsWith('/')) return undefined;
  if (b === '.') return t;
  const bp = b.split('/').filter(Boolean);
  const tp = t.split('/').filter(Boolean);
  let common = 0;
  while (common < bp.length && common < tp.length && bp[common] === tp[common]) common++;
  if (bp.slice(common).includes('..')) return undefined;
  return [...bp.slice(common).map(() => '..'), ...tp.slice(common)].join('/') || '.';
}
