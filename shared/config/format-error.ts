// Paths into the config as the user reads them, in the style `plugins["org/repo"][2]`, and zod's
// issues at the path the user wrote.
import type { z } from 'zod';

type PathKey = PropertyKey;

export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(top level)';
}

/**
 * The list form `org/repo: [a, b]` is validated as `{plugins: [a, b]}`; report its errors at the
 * path the user wrote, without the `plugins` segment they never typed.
 */
export function userPath(path: readonly PathKey[], doc: unknown): PathKey[] {
  const plugins = (doc as { plugins?: Record<string, unknown> } | undefined)?.plugins;
  const key = path[1];
  // Own keys only: the key is an org name from the YAML (`constructor`, `__proto__`).
  const written = typeof key === 'string' && typeof plugins === 'object' && plugins !== null && Object.hasOwn(plugins, key) ? plugins[key] : undefined;
  if (path[0] === 'plugins' && Array.isArray(written) && path[2] === 'plugins') {
    return [path[0], key!, ...path.slice(3)];
  }
  return [...path];
}

/** zod's issues at the paths the user wrote. */
export function zodIssues(error: z.ZodError, doc: unknown): { path: PathKey[]; message: string }[] {
  return error.issues.map((issue) => ({ path: userPath(issue.path, doc), message: issue.message }));
}

/** zod's issues as lines: `plugins["org/repo"][2]: …`. */
export function formatIssues(error: z.ZodError, doc: unknown): string[] {
  return zodIssues(error, doc).map(({ path, message }) => `${formatPath(path)}: ${message}`);
}
