// Prow's `.generated_files` (pkg/genfiles/genfiles.go): a file at the repository root that lists
// generated files, one `<kind> <value>` statement a line, `#` comments and blank lines ignored.
//
//   path             exact path of one file            path pkg/api/openapi.json
//   path-prefix      prefix of the path                path-prefix vendor/
//   file-name        exact file name, at any depth     file-name generated.pb.go
//   file-prefix      prefix of the file name           file-prefix zz_generated.
//   paths-from-repo  a file in the same repository     paths-from-repo docs/.generated_docs
//                    listing more exact paths, one a line (comments and blank lines allowed)
//
// Where Skiff differs from Prow's code, it is on purpose:
// - `path` is an exact path, as Prow documents; Prow's code files it under file names (so
//   `path a/b.go` never matches there, and `path BUILD` matches every BUILD).
// - A bad line is a warning and the other lines still apply. Prow stops at the first bad line
//   and is left with no group at all, which its size plugin then dereferences.
// - A `paths-from-repo` file that does not exist is a warning; Prow fails the whole event.
// `prefix` is accepted as the old name of `path-prefix`, as Prow does.

export const generatedFilesPath = '.generated_files';

export interface GeneratedFileRules {
  paths: Set<string>;
  pathPrefixes: Set<string>;
  fileNames: Set<string>;
  filePrefixes: Set<string>;
}

export interface ParsedGeneratedFiles {
  rules: GeneratedFileRules;
  /** Files named by `paths-from-repo`, in order; the caller reads them. */
  pathsFromRepo: string[];
  /** One message per line that is not a valid statement. */
  errors: string[];
}

const emptyRules = (): GeneratedFileRules => ({
  paths: new Set(),
  pathPrefixes: new Set(),
  fileNames: new Set(),
  filePrefixes: new Set(),
});

/** Trimmed lines that are neither blank nor comments, with their 1-based line numbers. */
function statements(text: string): { line: string; number: number }[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: raw.trim(), number: i + 1 }))
    .filter(({ line }) => line !== '' && !line.startsWith('#'));
}

export function parseGeneratedFiles(text: string): ParsedGeneratedFiles {
  const rules = emptyRules();
  const pathsFromRepo: string[] = [];
  const errors: string[] = [];
  for (const { line, number } of statements(text)) {
    const fields = line.split(/\s+/);
    const [kind, value] = fields;
    if (fields.length !== 2 || kind === undefined || value === undefined) {
      errors.push(`${generatedFilesPath} line ${number}: invalid config line: ${JSON.stringify(line)}`);
      continue;
    }
    switch (kind) {
      case 'path':
        rules.paths.add(value);
        break;
      case 'path-prefix':
      case 'prefix':
        rules.pathPrefixes.add(value);
        break;
      case 'file-name':
        rules.fileNames.add(value);
        break;
      case 'file-prefix':
        rules.filePrefixes.add(value);
        break;
      case 'paths-from-repo':
        pathsFromRepo.push(value);
        break;
      default:
        errors.push(`${generatedFilesPath} line ${number}: unknown kind ${JSON.stringify(kind)}: ${JSON.stringify(line)}`);
    }
  }
  return { rules, pathsFromRepo, errors };
}

/** A `paths-from-repo` file: one exact path a line. */
export function parsePathList(text: string): string[] {
  return statements(text).map(({ line }) => line);
}

export function isGeneratedFile(rules: GeneratedFileRules, path: string): boolean {
  if (rules.paths.has(path)) return true;
  for (const prefix of rules.pathPrefixes) if (path.startsWith(prefix)) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (rules.fileNames.has(name)) return true;
  for (const prefix of rules.filePrefixes) if (name.startsWith(prefix)) return true;
  return false;
}

export interface GeneratedFiles {
  isGenerated(path: string): boolean;
  warnings: string[];
}

/**
 * Reads `.generated_files` and the files it names through `readFile` (a path at the commit the
 * caller chose; `undefined` when absent). Read failures propagate; content problems are warnings.
 */
export async function loadGeneratedFiles(readFile: (path: string) => Promise<string | undefined>): Promise<GeneratedFiles> {
  const text = await readFile(generatedFilesPath);
  const { rules, pathsFromRepo, errors } = parseGeneratedFiles(text ?? '');
  const warnings = [...errors];
  const lists = await Promise.all(pathsFromRepo.map(async (path) => ({ path, text: await readFile(path) })));
  for (const list of lists) {
    if (list.text === undefined) {
      warnings.push(`${generatedFilesPath}: paths-from-repo file ${JSON.stringify(list.path)} does not exist`);
      continue;
    }
    for (const path of parsePathList(list.text)) rules.paths.add(path);
  }
  return { warnings, isGenerated: (path) => isGeneratedFile(rules, path) };
}
