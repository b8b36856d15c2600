// The `release_note` section of plugins.yaml, with Prow's one key (kubernetes-sigs/prow
// pkg/plugins/config.go `ReleaseNote`) and its default: where the release note guidelines are.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';

/** Prow's ReleaseNote.setDefaults. */
export const defaultGuidelinesUrl = 'https://git.k8s.io/community/contributors/guide/release-notes.md';

export interface ReleaseNoteConfig {
  guidelinesUrl: string;
}

// Loose: Go's decoder drops unknown keys, so a Prow config carrying one must load; the key Skiff
// reads is typed, so a list there is an error rather than read as a URL.
export const releaseNoteConfigSchema: z.ZodType<ReleaseNoteConfig> = z
  .looseObject({ guidelines_url: z.string().nullish() })
  .nullish()
  .transform((raw) => ({ guidelinesUrl: raw?.guidelines_url || defaultGuidelinesUrl }));
