// What loading one job needs from the rest of the config (presets, decoration defaults,
// decorate_all_jobs), and where it reports what it finds. The static config and a repository's
// `.prow.yaml` are read with the same settings, so in-repo jobs are defaulted as Prow defaults them.
import { defaultTimeoutMs } from './read-job.js';

/** Prow's Preset, as far as Skiff uses it: labels that select jobs, and env (`undefined`: a valueFrom). */
export interface Preset {
  labels: Record<string, string>;
  env: [string, string | undefined][];
}

/** One of plank's default_decoration_config_entries, as far as Skiff uses it. */
export interface DecorationDefault {
  repo: string;
  cluster: string;
  timeoutMs?: number;
}

export interface JobSettings {
  presets: Preset[];
  decorateAllJobs: boolean;
  decorationDefaults: DecorationDefault[];
  /** The timeout of a job that sets none: plank's matching defaults (later entries win), else 2 h. */
  defaultTimeoutMs(repo: string, cluster: string): number;
}

/** Prow's DefaultDecorationConfigEntry.matches (config.go `matches`). */
const matches = (entry: DecorationDefault, repo: string, cluster: string) =>
  (entry.cluster === '' || entry.cluster === '*' || entry.cluster === cluster) &&
  (entry.repo === '' || entry.repo === '*' || entry.repo === repo || entry.repo === repo.split('/')[0]);

export function jobSettings(presets: Preset[], decorateAllJobs: boolean, decorationDefaults: DecorationDefault[]): JobSettings {
  return {
    presets,
    decorateAllJobs,
    decorationDefaults,
    defaultTimeoutMs(repo, cluster) {
      let timeout: number | undefined;
      for (const entry of decorationDefaults) if (entry.timeoutMs !== undefined && matches(entry, repo, cluster)) timeout = entry.timeoutMs;
      return timeout ?? defaultTimeoutMs;
    },
  };
}

/** Where a job's problems go; paths are in the merged config (or the `.prow.yaml`). */
export interface JobSink {
  error(path: readonly PropertyKey[], message: string): void;
  /** `strict`: a likely typo, an error under `checkconfig --strict`. */
  warning(path: readonly PropertyKey[], message: string, strict?: boolean): void;
  /** A Prow key with no meaning here, set by the job being read: counted once per job. */
  ignore(key: string): void;
  /** The file a path is written in. */
  fileOf(path: readonly PropertyKey[]): string | undefined;
}
