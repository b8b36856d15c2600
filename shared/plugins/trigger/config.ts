// trigger's config is plugins.yaml's `triggers:` section (Prow's `Trigger` list), which Skiff reads
// once for everyone (shared/config/triggers-section.ts): retitle and verify-owners trust whom
// trigger trusts. The plugin declares that section as its own, so `ctx.config` is the parsed list;
// a repository's options are its entry, else its org's, else Prow's defaults (TriggerFor).
import { triggerFor, triggersSection, type TriggerEntry, type TriggerOptions } from '../../config/triggers-section.js';
import type { PluginConfigSpec } from '../types.js';

export type TriggerConfig = TriggerEntry[];
export type { TriggerOptions };

export const triggerConfig: PluginConfigSpec<TriggerConfig> = triggersSection;

/** The options for `org/repo`. */
export const triggerOptions = (config: TriggerConfig | undefined, org: string, repo: string): TriggerOptions => triggerFor(config, org, repo);

/** Prow's HonorOkToTest: `/ok-to-test` counts unless `ignore_ok_to_test`. */
export const honorOkToTest = (options: TriggerOptions): boolean => !options.ignoreOkToTest;
