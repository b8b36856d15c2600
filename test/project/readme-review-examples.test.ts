// The README's "Review and ownership" examples are real inputs: each OWNERS example parses as
// Skiff's OWNERS loader reads it, the aliases expand, and the config keys block loads with no
// error and no warning (every key in it is one Skiff reads), so the documentation cannot drift
// from what is implemented.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../shared/config/parse.js';
import { parseOwnersAliases, parseOwnersFile } from '../../shared/owners/parse.js';
import { plugins } from '../../shared/plugins/registry.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = /### Review and ownership\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
const block = (marker: string) => {
  const found = blocks.find((b) => b.startsWith(marker));
  if (!found) throw new Error(`no yaml block starting with "${marker}" in the README's Review and ownership section`);
  return found;
};

describe("the README's review examples", () => {
  it.each([
    { name: 'the root OWNERS', marker: '# OWNERS at the repository root', path: 'OWNERS' },
    { name: 'a directory OWNERS with options and filters', marker: '# src/api/OWNERS', path: 'src/api/OWNERS' },
  ])('$name parses', ({ marker, path }) => {
    const parsed = parseOwnersFile(path, block(marker));
    expect(parsed.ok ? 'ok' : parsed.error).toBe('ok');
  });

  it('OWNERS_ALIASES parses, with its alias', () => {
    const parsed = parseOwnersAliases('OWNERS_ALIASES', block('# OWNERS_ALIASES'));
    expect(parsed.ok && [...parsed.value.keys()]).toEqual(['sig-docs-leads']);
  });

  it('the config keys load with no warning', () => {
    const [pluginsYaml, configYaml] = block('owners:').split('# config.yaml\n');
    const parsed = parseConfig(
      [
        { path: 'plugins.yaml', text: pluginsYaml! },
        { path: 'config.yaml', text: configYaml! },
      ],
      plugins,
      'README',
    );
    expect(parsed.warnings).toEqual([]);
    expect(Object.keys(parsed.config.sections)).toEqual(expect.arrayContaining(['owners', 'owners_dir_denylist', 'lgtm', 'approve', 'blunderbuss']));
  });
});

describe("the README's triage example", () => {
  it('loads with no warning, every key one the plugins read', () => {
    const section = /### Triage and hygiene\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    const [yamlBlock] = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(yamlBlock).toBeDefined();
    const parsed = parseConfig([{ path: 'plugins.yaml', text: yamlBlock! }], plugins, 'README');
    expect(parsed.warnings).toEqual([]);
    for (const key of ['triggers', 'label', 'help', 'retitle', 'welcome', 'require_matching_label', 'invalid_commit_msg', 'dco', 'release_note', 'blockades', 'cherry_pick_unapproved', 'repo_milestone', 'milestone_applier', 'branch_cleaner', 'sigmention']) {
      expect(parsed.config.sections[key], key).toBeDefined();
    }
  });
});
