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
  /** How long job logs and artifacts are kept (`job_log_retention_days`, default 30; read by the job config). */
  jobLogRetentionDays: number;
}

const schema: z.ZodType<SkiffSection> = z
  .strictObject({ unknown_commands: z.enum(['off', 'reply']).nullish(), job_log_retention_days: z.number().int().positive().nullish() })
  .nullish()
  .transform((raw) => ({ unknownCommands: raw?.unknown_commands ?? 'off', jobLogRetentionDays: raw?.job_log_retention_days ?? 30 }));

export const skiffSection = { key: 'skiff', schema };
