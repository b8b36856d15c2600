// A config location may name directories (Prow's --job-config-path, --supplemental-*-config-dir):
// in a repository they are listed through the contents API of the fake GitHub over HTTP, each
// listing revalidated with its ETag, and only what changed is read again; on disk they are walked.
// Either way every *.yaml / *.yml below is a config file, in byte order, depth first.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigAgent, readConfigPaths, RepoConfigSource } from '../../shared/config/agent.js';
import { parseConfigLocation, type ConfigLocation } from '../../shared/config/location.js';
import { pluginsFor } from '../../shared/config/parse.js';
import { OctokitGitHub } from '../../shared/github/octokit-client.js';
import { buildOctokit } from '../../shared/github/octokit.js';
import { createLogger } from '../../shared/log.js';
import { plugins as registry } from '../../shared/plugins/registry.js';
import { FakeGitHub } from '../fakes/github-server.js';

const repo = 'acme/prow-config';
const dir = 'prow/02_config';

/** openshift's layout: a global file, org shards and repo shards, and files that are not config. */
const tree: Record<string, string> = {
  [`${dir}/_plugins.yaml`]: 'size:\n  s: 5\n',
  [`${dir}/acme/_pluginconfig.yaml`]: 'plugins:\n  acme: [hold]\n',
  [`${dir}/acme/widgets/_pluginconfig.yaml`]: 'plugins:\n  acme/widgets: [size]\n',
  [`${dir}/acme/widgets/_prowconfig.yaml`]: 'tide:\n  queries: [{repos: [acme/widgets]}]\n',
  [`${dir}/acme/gadgets/_pluginconfig.yml`]: 'plugins:\n  acme/gadgets: [size]\n',
  [`${dir}/acme/OWNERS`]: 'approvers: [someone]\n',
  [`${dir}/..2024_01_01/_pluginconfig.yaml`]: 'plugins:\n  acme: [lgtm]\n',
};

const added = `${dir}/beta/_pluginconfig.yaml`;
const filesIn = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1));
const allConfigFiles = ['_plugins.yaml', 'acme/_pluginconfig.yaml', 'acme/gadgets/_pluginconfig.yml', 'acme/widgets/_pluginconfig.yaml', 'acme/widgets/_prowconfig.yaml'];

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await FakeGitHub.start();
});
afterAll(() => fake.close());
beforeEach(() => {
  for (const path of [...Object.keys(tree), added]) fake.deleteFile(repo, 'main', path);
  for (const [path, text] of Object.entries(tree)) fake.setFile(repo, 'main', path, text);
  fake.resetCalls();
});

const github = () => new OctokitGitHub(buildOctokit({ token: 'test-token' }, { baseUrl: fake.url, log: createLogger({ logLevel: 'SILENT' }), writeIntervalMs: 0, retryBaseMs: 1 }));
const location = (value: string) => parseConfigLocation(value, { allowFiles: false }) as Extract<ConfigLocation, { kind: 'repo' }>;
const source = (value = `${repo}:${dir}/@main`) => new RepoConfigSource(location(value), async () => github());
/** What each fetch cost, readably: `getContent acme/prow-config@main prow/02_config/acme (raw) → 200`. */
const calls = () => fake.calls.map((c) => c.text.replace(`${repo}@main ${dir}`, '').replace(' (raw)', ''));

describe('a directory in a repository', () => {
  it('the first fetch lists every directory and reads every YAML file below, in order', async () => {
    // Act
    const files = await source().fetch();

    // Assess: OWNERS is not YAML, and `..`-prefixed copies (a ConfigMap mount's) are skipped.
    expect(filesIn(files!.map((f) => f.path))).toEqual(allConfigFiles);
    expect(files!.find((f) => f.path.endsWith('acme/_pluginconfig.yaml'))?.text).toBe(tree[`${dir}/acme/_pluginconfig.yaml`]);
    // Four listings (the directory, acme, acme/gadgets, acme/widgets) and a read per file.
    expect(calls().filter((c) => c.endsWith('→ 200'))).toHaveLength(4 + allConfigFiles.length);
  });

  it('unchanged: one revalidation of the top listing (a 304), and no new files', async () => {
    // Prepare
    const config = source();
    await config.fetch();
    fake.resetCalls();

    // Act
    const again = await config.fetch();

    // Assess
    expect(again).toBeUndefined();
    expect(calls()).toEqual(['getContent  → 304']);
  });

  it('one file changed deep down: the listings on its way and that file are read, nothing else', async () => {
    // Prepare
    const config = source();
    await config.fetch();
    fake.setFile(repo, 'main', `${dir}/acme/widgets/_pluginconfig.yaml`, 'plugins:\n  acme/widgets: [size, hold]\n');
    fake.resetCalls();

    // Act
    const files = await config.fetch();

    // Assess
    expect(files?.find((f) => f.path.endsWith('widgets/_pluginconfig.yaml'))?.text).toBe('plugins:\n  acme/widgets: [size, hold]\n');
    expect(calls().sort()).toEqual(['getContent  → 200', 'getContent /acme → 200', 'getContent /acme/widgets → 200', 'getContent /acme/widgets/_pluginconfig.yaml → 200']);
  });

  it.each([
    { name: 'a shard added', change: (f: FakeGitHub) => f.setFile(repo, 'main', added, 'plugins:\n  beta: [hold]\n'), has: 'beta/_pluginconfig.yaml', gone: undefined },
    { name: 'a shard removed', change: (f: FakeGitHub) => f.deleteFile(repo, 'main', `${dir}/acme/gadgets/_pluginconfig.yml`), has: undefined, gone: 'acme/gadgets/_pluginconfig.yml' },
  ])('$name changes the file list', async ({ change, has, gone }) => {
    // Prepare
    const config = source();
    await config.fetch();
    change(fake);

    // Act
    const files = filesIn((await config.fetch())!.map((f) => f.path));

    // Assess
    if (has) expect(files).toContain(has);
    if (gone) expect(files).not.toContain(gone);
  });

  it('the agent serves the merged shards, and a push under the directory reloads it', async () => {
    // Prepare
    const agent = new ConfigAgent(source(), registry);
    const push = { ref: 'refs/heads/main', repository: { full_name: repo }, commits: [{ modified: [`${dir}/acme/widgets/_pluginconfig.yaml`] }] };
    const elsewhere = { ...push, commits: [{ modified: ['prow/02_config.md'] }] };

    // Act
    const { config } = await agent.get();

    // Assess
    expect(pluginsFor(config, 'acme', 'widgets')).toEqual(['hold', 'size']);
    expect(pluginsFor(config, 'acme', 'gadgets')).toEqual(['hold', 'size']);
    expect(config.sections.size).toMatchObject({ s: 5 });
    expect(agent.touchedBy('push', push)).toBe(true);
    expect(agent.touchedBy('push', elsewhere)).toBe(false);
  });

  it('a file and a directory in one location', async () => {
    // Prepare
    fake.setFile(repo, 'main', 'prow/config.yaml', 'prowjob_namespace: prow\n');

    // Act
    const files = await source(`${repo}:prow/config.yaml,${dir}@main`).fetch();

    // Assess
    expect(files!.map((f) => f.path)).toEqual(['prow/config.yaml', ...allConfigFiles.map((f) => `${dir}/${f}`)]);
  });
});

describe('a directory on disk', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'skiff-config-dir-'));
    for (const [path, text] of Object.entries(tree)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('is walked like a repository directory', async () => {
    // Act
    const files = await readConfigPaths([join(root, dir)]);

    // Assess
    expect(files.map((f) => f.path.slice(join(root, dir).length + 1))).toEqual(allConfigFiles);
  });
});
