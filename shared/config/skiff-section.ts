// The `skiff:` section of plugins.yaml: what Skiff does beyond Prow, off unless asked for, so a
// Prow config behaves as it did under Prow.
//
//   skiff:
//     unknown_commands: reply   # or off (the default)
import * as z from 'zod';

export interface SkiffSection {
  /**
   * `reply`: a comment line that looks like a command (`/word`) that no enabled plugin
   * understands gets one reply listing the commands enabled for the repository, with the closest
   * one (`/lgmt` → `/lgtm`). `off`: such lines are ignored, as Prow ignores them.
   */
  unknownCommands: 'off' | 'reply';
}

/**
 * Keys this section once had, with what to do instead. The schema still accepts them, so a config
 * that kept one loads as before (none changed what the functions do), and parse.ts warns at each.
 * `job_log_retention_days`: the stack's `jobLogRetentionDays` sets the artifacts bucket's lifecycle
 * and the build log group's retention, which is what decides how long logs are kept; two settings
 * for one thing could only disagree.
 */
export const removedSkiffKeys: Readonly<Record<string, string>> = {
  job_log_retention_days: "removed; set the stack's jobLogRetentionDays context instead (npx cdk deploy -c jobLogRetentionDays=N). Ignored",
};

const schema: z.ZodType<SkiffSection> = z
  .strictObject({
    unknown_commands: z.enum(['off', 'reply']).nullish(),
    ...Object.fromEntries(Object.keys(removedSkiffKeys).map((key) => [key, z.unknown().optional()])),
  })
  .nullish()
  .transform((raw) => ({ unknownCommands: raw?.unknown_commands ?? 'off' }));

export const skiffSection = { key: 'skiff', schema };
