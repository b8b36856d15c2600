// The `external_plugins` section of plugins.yaml: services outside Skiff that get a copy of
// matching webhook events, as Prow's hook sends them (pkg/plugins/plugins.go `ExternalPlugin`,
// pkg/hook/server.go `needDemux`). Keyed by `org` or `org/repo`; a repository's entries add to
// its org's; a plugin without `events` gets every event.
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';

export interface ExternalPlugin {
  name: string;
  /** Where events are POSTed; Prow's default is `http://<name>` (a Kubernetes service of that name). */
  endpoint: string;
  /** Webhook event names (`X-GitHub-Event`) it gets; empty means every event. */
  events: string[];
}

/** By `org` or `org/repo`, without a prototype: read it with {@link externalPluginsFor}. */
export type ExternalPluginsSection = Record<string, ExternalPlugin[]>;

// A name becomes part of the forward's claim, trace key and queue ids, whose characters SQS
// limits to printable ASCII (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html);
// Prow's own default endpoint makes it a host name in practice.
const namePattern = /^[\x21-\x7e]{1,100}$/;

const httpUrl = (value: string): boolean => {
  if (!URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'http:' || protocol === 'https:';
};

const pluginSchema = z
  .strictObject({
    name: z.string().regex(namePattern, { error: 'an external plugin name is 1 to 100 printable characters without spaces' }),
    endpoint: z.string().nullish(),
    events: z.array(z.string().min(1)).nullish(),
  })
  .transform(({ name, endpoint, events }): ExternalPlugin => ({ name, endpoint: endpoint || `http://${name}`, events: events ?? [] }))
  .superRefine((plugin, ctx) => {
    if (!httpUrl(plugin.endpoint)) {
      ctx.addIssue({ code: 'custom', path: ['endpoint'], message: `endpoint "${plugin.endpoint}" of external plugin "${plugin.name}" is not an http or https URL` });
    }
  });

/** `{…}` → Map, so that every key is validated as data: z.record drops a `__proto__` key silently. */
const entriesOf = (value: unknown): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? new Map(Object.entries(value)) : value;

const kindOf = (value: unknown): string => (Array.isArray(value) ? 'a list' : value === null ? 'null' : `a ${typeof value}`);

/** The value of the top-level `external_plugins` key (absent or empty: no external plugins). */
export const externalPluginsSchema = z
  .preprocess(
    entriesOf,
    z.map(
      z.string(),
      // `acme:` with nothing under it is an empty list, as Prow's YAML decoding makes it.
      z.array(pluginSchema).nullish().transform((v) => v ?? []),
      { error: (issue) => (issue.code === 'invalid_type' ? `expected a mapping of org or org/repo to a list of external plugins, got ${kindOf(issue.input)}` : undefined) },
    ),
  )
  .nullish()
  .superRefine((entries, ctx) => {
    for (const [key, list] of entries ?? []) {
      const seen = new Set<string>();
      list.forEach((plugin, i) => {
        // Each forward is claimed and traced by the plugin's name, so one name is one plugin.
        if (seen.has(plugin.name)) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `external plugin "${plugin.name}" is listed twice for ${key}` });
        seen.add(plugin.name);
      });
      // Prow's validateExternalPlugins: a repository may not repeat a plugin its org already has.
      const [org, repo] = key.split('/');
      if (repo === undefined) continue;
      const orgNames = new Set((entries?.get(org!) ?? []).map((p) => p.name));
      list.forEach((plugin, i) => {
        if (orgNames.has(plugin.name)) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `external plugin "${plugin.name}" is duplicated for ${key} and ${org}` });
      });
    }
  })
  // Object.fromEntries defines `__proto__` as an own key, where assignment would set the prototype.
  .transform((v): ExternalPluginsSection => Object.setPrototypeOf(Object.fromEntries(v ?? []), null));

/** `org` or `org/repo`'s own entry: names come from payloads and never reach the prototype. */
const entryFor = (section: ExternalPluginsSection | undefined, key: string): ExternalPlugin[] =>
  section && Object.hasOwn(section, key) ? (section[key] ?? []) : [];

/**
 * The external plugins that get `event` from `owner/repo`, as Prow's hook picks them: the org's
 * entries, then the repository's, each kept when it lists no events or lists this one. Names
 * compare exactly, as Prow's map lookup does.
 */
export function externalPluginsFor(section: ExternalPluginsSection | undefined, owner: string, repo: string, event: string): ExternalPlugin[] {
  return [...entryFor(section, owner), ...entryFor(section, `${owner}/${repo}`)].filter((p) => p.events.length === 0 || p.events.includes(event));
}
