// In-repo job config (Prow's inrepoconfig.go): a repository that `in_repo_config.enabled` allows
// may add presubmits and postsubmits in `.prow.yaml`, or in every `*.yaml` / `*.yml` below a
// `.prow/` directory — the directory wins, and `.prow.yaml` beside it is not read (ReadProwYAML).
// The files are read at one commit through the GitHub API (Prow clones and merges the pull
// request; the caller passes the SHA to read), then defaulted with the central config's presets
// and decoration defaults and validated together with the static jobs, as Prow's
// DefaultAndValidateProwYAML does: an in-repo job may not reuse a static job's name on the same
// branches. A file that does not load is an error string for the pull request's comment.
import type { GitHubClient, RepoRef } from '../../github/client.js';
import { formatIssue } from '../../config/issues.js';
import { loadYamlFile, positionIn, type LoadedFile } from '../../config/yaml-file.js';
import type { JobConfig, Postsubmit, Presubmit } from '../types.js';
import { describeValue } from './duration.js';
import { IssueSink, readPresets, settingsOf } from './load.js';
import { isMapping, readJob } from './read-job.js';
import type { Preset } from './settings.js';
import { validateRepoJobs, type Placed } from './validate.js';

export type InRepoGitHub = Pick<GitHubClient, 'getFile' | 'getTree'>;

export const inRepoConfigFile = '.prow.yaml';
export const inRepoConfigDir = '.prow';

export interface InRepoJobs {
  presubmits: Presubmit[];
  postsubmits: Postsubmit[];
  /** The files read, in order (none: the repository has no in-repo config). */
  files: string[];
  warnings: string[];
}

export type InRepoResult = InRepoJobs | { error: string };

const none = (): InRepoJobs => ({ presubmits: [], postsubmits: [], files: [], warnings: [] });

/** The in-repo config files at `sha`: every YAML file below `.prow/` if there is one, else `.prow.yaml` if there is one. */
async function inRepoFiles(github: InRepoGitHub, repo: RepoRef, sha: string): Promise<{ path: string; text: string }[]> {
  const tree = await github.getTree(repo, sha);
  const inDir = tree.entries
    .filter((e) => e.type === 'blob' && e.path.startsWith(`${inRepoConfigDir}/`) && /\.ya?ml$/.test(e.path))
    .map((e) => e.path)
    // filepath.Walk's lexical order.
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const hasDir = tree.entries.some((e) => e.type === 'tree' && e.path === inRepoConfigDir);
  // A truncated listing (past 100,000 entries) may have left the file out: then it is asked for by name.
  const hasFile = tree.truncated || tree.entries.some((e) => e.type === 'blob' && e.path === inRepoConfigFile);
  const paths = hasDir || inDir.length ? inDir : hasFile ? [inRepoConfigFile] : [];
  const files: { path: string; text: string }[] = [];
  for (const path of paths) {
    const text = await github.getFile(repo, path, sha);
    if (text !== undefined) files.push({ path, text });
  }
  return files;
}

/**
 * The in-repo presubmits and postsubmits of `repo` at `sha`, or the problems as one string. A
 * repository `in_repo_config.enabled` does not allow gets none, and GitHub is not asked.
 * GitHub failures throw (they are worth a retry; a broken file is not).
 */
export async function loadInRepoJobs(github: InRepoGitHub, repo: RepoRef, sha: string, jobConfig: JobConfig): Promise<InRepoResult> {
  if (!jobConfig.inRepoConfigEnabled(repo.owner, repo.repo)) return none();
  const texts = await inRepoFiles(github, repo, sha);
  if (!texts.length) return none();

  const problems: string[] = [];
  const loaded: LoadedFile[] = [];
  for (const text of texts) {
    const result = loadYamlFile(text);
    if (Array.isArray(result)) problems.push(...result.map(formatIssue));
    else loaded.push(result);
  }
  if (problems.length) return { error: problems.join('\n') };

  const identifier = `${repo.owner}/${repo.repo}`;
  const settings = settingsOf(jobConfig);
  const sinks = new Map<LoadedFile, IssueSink>();
  const sinkFor = (file: LoadedFile) => {
    let sink = sinks.get(file);
    if (!sink) sinks.set(file, (sink = new IssueSink((path, options) => ({ file: file.path, ...positionIn(file, path, options) }))));
    return sink;
  };

  // Prow's mergeProwYAML: the files' presets, presubmits and postsubmits appended in order.
  const presets: Preset[] = [];
  for (const file of loaded) {
    const doc = file.value;
    if (doc === null || doc === undefined) continue;
    if (!isMapping(doc)) {
      sinkFor(file).error([], `expected a mapping with presubmits, postsubmits or presets, got ${describeValue(doc)}`);
      continue;
    }
    presets.push(...readPresets(doc.presets, ['presets'], sinkFor(file)));
    // Prow's ProwYAML has presets, presubmits, postsubmits and prow_ignored; it drops anything else unread.
    for (const key of Object.keys(doc)) {
      if (!['presets', 'presubmits', 'postsubmits', 'prow_ignored'].includes(key)) sinkFor(file).keyWarning([key], `${file.path} may hold presubmits, postsubmits and presets only; ${key} is not read`);
    }
  }

  const fileOf = new Map<Placed<unknown>, LoadedFile>();
  const read = { presubmit: [] as Placed<Presubmit | Postsubmit>[], postsubmit: [] as Placed<Presubmit | Postsubmit>[] };
  for (const file of loaded) {
    if (!isMapping(file.value)) continue;
    for (const kind of ['presubmit', 'postsubmit'] as const) {
      const key = `${kind}s`;
      const list = file.value[key];
      if (list === undefined || list === null) continue;
      const sink = sinkFor(file);
      if (!Array.isArray(list)) {
        sink.error([key], `expected a list of ${kind}s (in ${file.path} they belong to this repository, with no org/repo key), got ${describeValue(list)}`);
        continue;
      }
      list.forEach((raw: unknown, i) => {
        const job = readJob(sink, raw, [key, i], kind, identifier, settings, presets);
        if (job && job.kind !== 'periodic') {
          const placed = { job, path: [key, i] };
          fileOf.set(placed, file);
          read[kind].push(placed);
        }
      });
    }
  }

  // Validated with the static jobs, which come first, so a clash is reported at the in-repo job.
  const staticJobs = { presubmit: jobConfig.presubmits[identifier] ?? [], postsubmit: jobConfig.postsubmits[identifier] ?? [] };
  for (const kind of ['presubmit', 'postsubmit'] as const) {
    const all = [...staticJobs[kind].map((job) => ({ job, path: [] })), ...read[kind]];
    for (const problem of validateRepoJobs(kind, all)) {
      const file = fileOf.get(problem.at);
      if (file) sinkFor(file).error(problem.path, problem.message);
    }
  }

  const errors = [...sinks.values()].flatMap((s) => s.errors);
  if (errors.length) return { error: errors.map(formatIssue).join('\n') };
  return {
    presubmits: read.presubmit.map((p) => p.job as Presubmit),
    postsubmits: read.postsubmit.map((p) => p.job as Postsubmit),
    files: loaded.map((f) => f.path),
    warnings: [...sinks.values()].flatMap((s) => s.warnings).map(formatIssue),
  };
}

/** The in-repo presubmits only (trigger's view), or the error for the pull request's comment. */
export async function loadInRepoPresubmits(github: InRepoGitHub, repo: RepoRef, sha: string, jobConfig: JobConfig): Promise<{ jobs: Presubmit[] } | { error: string }> {
  const result = await loadInRepoJobs(github, repo, sha, jobConfig);
  return 'error' in result ? result : { jobs: result.presubmits };
}

/** The in-repo postsubmits only (a push's view), or the error. */
export async function loadInRepoPostsubmits(github: InRepoGitHub, repo: RepoRef, sha: string, jobConfig: JobConfig): Promise<{ jobs: Postsubmit[] } | { error: string }> {
  const result = await loadInRepoJobs(github, repo, sha, jobConfig);
  return 'error' in result ? result : { jobs: result.postsubmits };
}
