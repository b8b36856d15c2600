// The `welcome` section of plugins.yaml: a list of entries naming `org` or `org/repo` under
// `repos`, with Prow's keys (pkg/plugins/config.go `Welcome`): `message_template` (Prow's default
// when empty) and `always_post`. A repository gets the entry naming it, else the one naming its
// org (Prow's optionsForRepo). As in Prow's validateRepoDupes, an org or repository named twice is
// an error; and a template using more of Go's templates than Skiff renders (template.ts) is one
// too, at load, rather than a failed welcome later.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';
import { entryFor } from '../../config/repo-entries.js';
import { parseTemplate, type ParsedTemplate } from './template.js';

/** Prow's defaultWelcomeMessage. */
export const defaultWelcomeMessage = 'Welcome @{{.AuthorLogin}}! It looks like this is your first PR to {{.Org}}/{{.Repo}} 🎉';

export interface WelcomeOptions {
  /** The template as configured, or Prow's default. */
  messageTemplate: string;
  /** Welcome every new pull request, whoever opens it and however many they opened before. */
  alwaysPost: boolean;
}

export interface WelcomeEntry extends WelcomeOptions {
  repos: string[];
  template: Extract<ParsedTemplate, { ok: true }>['segments'];
}

export type WelcomeConfig = WelcomeEntry[];

const defaultSegments = (() => {
  const parsed = parseTemplate(defaultWelcomeMessage);
  if (!parsed.ok) throw new Error(`the default welcome message does not parse: ${parsed.error}`);
  return parsed.segments;
})();

// Loose: Go's decoder drops unknown keys, so a Prow config carrying one must load; the keys Skiff
// reads are typed, so `always_post: "yes"` is an error rather than read as true.
const entrySchema = z
  .looseObject({
    repos: z.array(z.string()).nullish(),
    message_template: z.string().nullish(),
    always_post: z.boolean().nullish(),
  })
  .transform((raw, ctx): WelcomeEntry => {
    const messageTemplate = raw.message_template || defaultWelcomeMessage;
    const parsed = parseTemplate(messageTemplate);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', path: ['message_template'], message: parsed.error });
      return { repos: [], messageTemplate, alwaysPost: false, template: defaultSegments };
    }
    return { repos: raw.repos ?? [], messageTemplate, alwaysPost: raw.always_post ?? false, template: parsed.segments };
  });

export const welcomeConfigSchema: z.ZodType<WelcomeConfig> = z
  .array(entrySchema)
  .nullish()
  .transform((entries) => entries ?? [])
  .superRefine((entries, ctx) => {
    // Prow's validateRepoDupes, with its words (it names the welcome plugin for every section).
    const seen = new Set<string>();
    entries.forEach((entry, i) => {
      for (const name of entry.repos) {
        if (seen.has(name)) {
          ctx.addIssue({ code: 'custom', path: [i, 'repos'], message: `The ${name.includes('/') ? 'repo' : 'org'} ${JSON.stringify(name)} is duplicated in the 'welcome' plugin configuration.` });
        }
        seen.add(name);
      }
    });
  });

/** The options and template for one repository: its entry, else its org's, else Prow's defaults. */
export function welcomeFor(config: WelcomeConfig | undefined, org: string, repo: string): WelcomeOptions & Pick<WelcomeEntry, 'template'> {
  const entry = entryFor(config, org, repo);
  if (!entry) return { messageTemplate: defaultWelcomeMessage, alwaysPost: false, template: defaultSegments };
  return { messageTemplate: entry.messageTemplate, alwaysPost: entry.alwaysPost, template: entry.template };
}
