// The config agent over time. Each case is a timeline: before each event the clock moves, files
// in the config repo change, or reads start or stop failing; then the event asks for the config
// and we check what it is served, with which error, and exactly which reads it cost.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WebhookDefinition } from '@octokit/webhooks-examples';
import type { ContentsReader } from '../../shared/github/connector.js';
import type { ContentResult } from '../../shared/github/octokit-client.js';
import type { RepoRef } from '../../shared/github/client.js';
import { ConfigAgent, FileConfigSource, RepoConfigSource, type ConfigSnapshot, type ConfigSource } from '../../shared/config/agent.js';
import { parseConfigLocation, type ConfigLocation } from '../../shared/config/location.js';
import { ConfigError, pluginsFor } from '../../shared/config/parse.js';
import { plugins as registry } from '../../shared/plugins/registry.js';
import type { Plugin } from '../../shared/plugins/types.js';
import * as z from 'zod';

/** GitHub's ETag for a file depends only on its content; a short hash stands in for it. */
const etagOf = (text: string) => `"${createHash('sha1').update(text).digest('hex').slice(0, 7)}"`;

/**
 * The config repository as the contents API shows it: `ok` with an ETag, `not-modified` when the
 * caller's ETag still matches, `not-found`, or a thrown error while a file is "unreachable".
 * Every read is recorded as `owner/repo:path@ref if-none-match "etag"`.
 */
class FakeConfigRepo implements ContentsReader {
  readonly calls: string[] = [];
  readonly #files = new Map<string, string>();
  readonly #failures = new Map<string, string>();
  #gate: Promise<void> | undefined;

  write(path: string, text: string | null): void {
    if (text === null) this.#files.delete(path);
    else this.#files.set(path, text);
  }

  /** Reads of `path` throw a plain Error with `message` (a network error, a 502) until cleared with null. */
  fail(path: string, message: string | null): void {
    if (message === null) this.#failures.delete(path);
    else this.#failures.set(path, message);
  }

  /** Holds every read until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    this.#gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.#gate = undefined;
      release();
    };
  }

  async getContent(repo: RepoRef, path: string, ref: string | undefined, etag?: string): Promise<ContentResult> {
    this.calls.push(`${repo.owner}/${repo.repo}:${path}${ref ? `@${ref}` : ''}${etag ? ` if-none-match ${etag}` : ''}`);
    await this.#gate;
    const failure = this.#failures.get(path);
    if (failure) throw new Error(failure);
    const text = this.#files.get(path);
    if (text === undefined) return { status: 'not-found' };
    if (etag === etagOf(text)) return { status: 'not-modified' };
    return { status: 'ok', text, etag: etagOf(text) };
  }
}

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

function repoLocation(value: string): Extract<ConfigLocation, { kind: 'repo' }> {
  const location = parseConfigLocation(value, { allowFiles: false });
  if (location.kind !== 'repo') throw new Error(`${value} is not a repo location`);
  return location;
}

const revalidateMs = 60_000;
const location = 'acme/prow-config:plugins.yaml@main';
const twoFiles = 'acme/prow-config:plugins.yaml,config.yaml@main';

const V1 = 'plugins:\n  acme/widgets: [hold]\n';
const V2 = 'plugins:\n  acme/widgets: [hold, size]\n';
const INVALID = 'plugins:\n  acme/widgets: [hold, 3]\n';
const CONFIG = 'prowjob_namespace: prow\n';
const CONFIG2 = 'prowjob_namespace: prow\ntide:\n  sync_period: 2m\n';

/** The read of a file in `acme/prow-config@main`, revalidating the version `cached` when given. */
const read = (path: string, cached?: string) =>
  `acme/prow-config:${path}@main${cached === undefined ? '' : ` if-none-match ${etagOf(cached)}`}`;

const invalidIn = (source: string) =>
  `invalid config in ${source}:\n  plugins.yaml:2:24: plugins["acme/widgets"][1]: Invalid input: expected string, received number`;
const notFoundIn = (source: string) => `invalid config in ${source}:\n  plugins.yaml: not found in acme/prow-config@main`;
/** The warning for a Prow key of config.yaml that Skiff does not implement, at `line`. */
const prowKey = (key: string, line: number) => `config.yaml:${line}:1: ${key}: a Prow key Skiff does not implement yet; ignored`;
const unreachableIn = (source: string, message: string) => `cannot read the config from ${source}: ${message}`;

interface Tick {
  // Before the event.
  /** Milliseconds the fake clock moves on. */
  after?: number;
  /** Files changed in the config repo; null deletes. */
  files?: Record<string, string | null>;
  /** Files whose reads start failing with this message; null: they succeed again. */
  failing?: Record<string, string | null>;

  // The event asks for the config.
  /** Plugins the served config enables for acme/widgets. */
  enabled?: string[];
  /** The snapshot's `error`, exactly (or a pattern); absent means none. */
  error?: string | RegExp;
  /** `get()` rejects instead: the error's class name, and its message exactly (or a pattern). */
  rejects?: { name: 'ConfigError' | 'Error'; message: string | RegExp };
  /** The snapshot's warnings; absent means none. */
  warnings?: string[];
  /** Whether the served config was parsed anew rather than being the previous event's. */
  reparsed?: boolean;
  /** The reads this event cost, in order (repo sources only). */
  reads?: string[];
}

interface Store {
  calls: string[];
  write(path: string, text: string | null): Promise<void>;
  fail(path: string, message: string | null): void;
}

/** Plays a timeline against an agent and checks each event, naming the event that went wrong. */
async function play(agent: ConfigAgent, store: Store, clock: ReturnType<typeof fakeClock>, ticks: Tick[]) {
  let previous: ConfigSnapshot | undefined;
  for (const [i, tick] of ticks.entries()) {
    const at = `event ${i + 1}`;

    // Prepare
    clock.advance(tick.after ?? 0);
    for (const [path, text] of Object.entries(tick.files ?? {})) await store.write(path, text);
    for (const [path, message] of Object.entries(tick.failing ?? {})) store.fail(path, message);
    const readsBefore = store.calls.length;

    // Act
    const outcome = await agent.get().then(
      (snapshot) => ({ snapshot, rejection: undefined }),
      (rejection: unknown) => ({ snapshot: undefined, rejection }),
    );

    // Assess
    if (tick.reads) expect(store.calls.slice(readsBefore), `${at}: reads`).toEqual(tick.reads);
    if (tick.rejects !== undefined) {
      expect(outcome.rejection, `${at}: get() should reject`).toBeInstanceOf(Error);
      const { name, message } = outcome.rejection as Error;
      expect(name, `${at}: rejection`).toBe(tick.rejects.name);
      if (typeof tick.rejects.message === 'string') expect(message, `${at}: rejection`).toBe(tick.rejects.message);
      else expect(message, `${at}: rejection`).toMatch(tick.rejects.message);
      continue;
    }
    if (outcome.rejection) throw outcome.rejection;
    const snapshot = outcome.snapshot!;
    if (tick.enabled) expect(pluginsFor(snapshot.config, 'acme', 'widgets'), `${at}: enabled`).toEqual(tick.enabled);
    if (typeof tick.error === 'object') expect(snapshot.error, `${at}: error`).toMatch(tick.error);
    else expect(snapshot.error, `${at}: error`).toBe(tick.error);
    expect(snapshot.warnings, `${at}: warnings`).toEqual(tick.warnings ?? []);
    if (tick.reparsed !== undefined && previous) {
      expect(snapshot.config !== previous.config, `${at}: reparsed`).toBe(tick.reparsed);
    }
    previous = snapshot;
  }
}

interface Case {
  name: string;
  /** SKIFF_CONFIG; defaults to `acme/prow-config:plugins.yaml@main`. */
  location?: string;
  ticks: Tick[];
}

const loaded: Tick = { files: { 'plugins.yaml': V1 }, enabled: ['hold'], reads: [read('plugins.yaml')] };

const repoCases: Case[] = [
  {
    name: 'first load reads the file without an ETag',
    ticks: [loaded],
  },
  {
    name: 'the default branch when no ref is given',
    location: 'acme/prow-config:/plugins.yaml',
    ticks: [{ files: { 'plugins.yaml': V1 }, enabled: ['hold'], reads: ['acme/prow-config:plugins.yaml'] }],
  },
  {
    name: 'within revalidateMs an event costs no read, even if the file changed',
    ticks: [
      loaded,
      { after: revalidateMs - 1, files: { 'plugins.yaml': V2 }, enabled: ['hold'], reparsed: false, reads: [] },
      { after: 0, enabled: ['hold'], reparsed: false, reads: [] },
    ],
  },
  {
    name: 'after revalidateMs the stored ETag is sent, and a 304 keeps the config without re-parsing',
    ticks: [
      loaded,
      { after: revalidateMs, enabled: ['hold'], reparsed: false, reads: [read('plugins.yaml', V1)] },
      { after: revalidateMs - 1, enabled: ['hold'], reparsed: false, reads: [] },
      { after: 1, enabled: ['hold'], reparsed: false, reads: [read('plugins.yaml', V1)] },
    ],
  },
  {
    name: 'a changed valid file replaces the config, and its ETag is sent next',
    ticks: [
      loaded,
      { after: revalidateMs, files: { 'plugins.yaml': V2 }, enabled: ['hold', 'size'], reparsed: true, reads: [read('plugins.yaml', V1)] },
      { after: revalidateMs, enabled: ['hold', 'size'], reparsed: false, reads: [read('plugins.yaml', V2)] },
    ],
  },
  {
    name: 'an invalid new file keeps the old config and reports why, until a valid version arrives',
    ticks: [
      loaded,
      {
        after: revalidateMs,
        files: { 'plugins.yaml': INVALID },
        enabled: ['hold'],
        error: invalidIn(location),
        reparsed: false,
        reads: [read('plugins.yaml', V1)],
      },
      // Unchanged (304): still the old config, still the error.
      { after: revalidateMs, enabled: ['hold'], error: invalidIn(location), reparsed: false, reads: [read('plugins.yaml', INVALID)] },
      {
        after: revalidateMs,
        files: { 'plugins.yaml': V2 },
        enabled: ['hold', 'size'],
        reparsed: true,
        reads: [read('plugins.yaml', INVALID)],
      },
    ],
  },
  {
    name: 'an invalid new file reverted to the last valid version clears the error',
    ticks: [
      loaded,
      { after: revalidateMs, files: { 'plugins.yaml': INVALID }, enabled: ['hold'], error: invalidIn(location) },
      { after: revalidateMs, files: { 'plugins.yaml': V1 }, enabled: ['hold'], reads: [read('plugins.yaml', INVALID)] },
    ],
  },
  {
    name: 'an invalid first config: get() rejects with the problem, and loads once fixed',
    ticks: [
      { files: { 'plugins.yaml': INVALID }, rejects: { name: 'ConfigError', message: invalidIn(location) }, reads: [read('plugins.yaml')] },
      { files: { 'plugins.yaml': V1 }, enabled: ['hold'], reads: [read('plugins.yaml', INVALID)] },
    ],
  },
  {
    name: 'a removed file keeps the old config and reports it, until the file is back',
    ticks: [
      loaded,
      {
        after: revalidateMs,
        files: { 'plugins.yaml': null },
        enabled: ['hold'],
        error: notFoundIn(location),
        reads: [read('plugins.yaml', V1)],
      },
      { after: revalidateMs, enabled: ['hold'], error: notFoundIn(location), reads: [read('plugins.yaml', V1)] },
      { after: revalidateMs, files: { 'plugins.yaml': V2 }, enabled: ['hold', 'size'], reparsed: true, reads: [read('plugins.yaml', V1)] },
    ],
  },
  {
    // A revert of an accidental deletion brings back the very same file (and ETag).
    name: 'a removed file restored unchanged clears the error',
    ticks: [
      loaded,
      { after: revalidateMs, files: { 'plugins.yaml': null }, enabled: ['hold'], error: notFoundIn(location) },
      { after: revalidateMs, files: { 'plugins.yaml': V1 }, enabled: ['hold'], reads: [read('plugins.yaml', V1)] },
    ],
  },
  {
    name: 'a missing file with no config before: get() rejects with a ConfigError',
    ticks: [
      { rejects: { name: 'ConfigError', message: notFoundIn(location) }, reads: [read('plugins.yaml')] },
      { files: { 'plugins.yaml': V1 }, enabled: ['hold'], reads: [read('plugins.yaml')] },
    ],
  },
  {
    name: 'a transient error with an old config: served with the error, retried on the next event, cleared by a 304',
    ticks: [
      loaded,
      {
        after: revalidateMs,
        failing: { 'plugins.yaml': 'connect ECONNRESET 140.82.112.6:443' },
        enabled: ['hold'],
        error: unreachableIn(location, 'connect ECONNRESET 140.82.112.6:443'),
        reparsed: false,
        reads: [read('plugins.yaml', V1)],
      },
      // No clock move: an unreachable GitHub is retried at once, not after revalidateMs.
      {
        enabled: ['hold'],
        error: unreachableIn(location, 'connect ECONNRESET 140.82.112.6:443'),
        reads: [read('plugins.yaml', V1)],
      },
      { failing: { 'plugins.yaml': null }, enabled: ['hold'], reparsed: false, reads: [read('plugins.yaml', V1)] },
      { after: revalidateMs - 1, enabled: ['hold'], reads: [] },
    ],
  },
  {
    name: 'a transient error while the new file is invalid: the invalid file is what is reported',
    ticks: [
      loaded,
      { after: revalidateMs, files: { 'plugins.yaml': INVALID }, enabled: ['hold'], error: invalidIn(location) },
      { after: revalidateMs, failing: { 'plugins.yaml': 'HTTP 502' }, enabled: ['hold'], error: invalidIn(location) },
      { failing: { 'plugins.yaml': null }, enabled: ['hold'], error: invalidIn(location), reads: [read('plugins.yaml', INVALID)] },
    ],
  },
  {
    name: 'a transient error with no config: get() rejects with the reader error, and the next event retries',
    ticks: [
      {
        files: { 'plugins.yaml': V1 },
        failing: { 'plugins.yaml': 'HTTP 502 Bad Gateway' },
        rejects: { name: 'Error', message: 'HTTP 502 Bad Gateway' },
        reads: [read('plugins.yaml')],
      },
      { failing: { 'plugins.yaml': null }, enabled: ['hold'], reads: [read('plugins.yaml')] },
    ],
  },
  {
    name: 'two files: keys merged, each revalidated with its own ETag',
    location: twoFiles,
    ticks: [
      {
        files: { 'plugins.yaml': V1, 'config.yaml': CONFIG },
        enabled: ['hold'],
        warnings: [prowKey('prowjob_namespace', 1)],
        reads: [read('plugins.yaml'), read('config.yaml')],
      },
      {
        after: revalidateMs,
        files: { 'config.yaml': CONFIG2 },
        enabled: ['hold'],
        warnings: [prowKey('prowjob_namespace', 1), prowKey('tide', 2)],
        reparsed: true,
        reads: [read('plugins.yaml', V1), read('config.yaml', CONFIG)],
      },
      {
        after: revalidateMs,
        enabled: ['hold'],
        warnings: [prowKey('prowjob_namespace', 1), prowKey('tide', 2)],
        reparsed: false,
        reads: [read('plugins.yaml', V1), read('config.yaml', CONFIG2)],
      },
    ],
  },
  {
    name: 'two files: a key moved into both is an error naming both, the old config kept',
    location: twoFiles,
    ticks: [
      {
        files: { 'plugins.yaml': V1, 'config.yaml': CONFIG },
        enabled: ['hold'],
        warnings: [prowKey('prowjob_namespace', 1)],
      },
      {
        after: revalidateMs,
        files: { 'config.yaml': `${CONFIG}${V2}` },
        enabled: ['hold'],
        warnings: [prowKey('prowjob_namespace', 1)],
        error: `invalid config in ${twoFiles}:\n  config.yaml:3:3: plugins["acme/widgets"]: also set in plugins.yaml:2:3 (each entry may be set in one file only)`,
      },
    ],
  },
  {
    // The first file's new version was read (and its ETag kept) in a read that then failed on
    // the second file; the retry must still apply it.
    name: 'two files: a change read just before the other file failed is not lost',
    location: twoFiles,
    ticks: [
      {
        files: { 'plugins.yaml': V1, 'config.yaml': CONFIG },
        enabled: ['hold'],
        warnings: [prowKey('prowjob_namespace', 1)],
      },
      {
        after: revalidateMs,
        files: { 'plugins.yaml': V2 },
        failing: { 'config.yaml': 'HTTP 503' },
        enabled: ['hold'],
        warnings: [prowKey('prowjob_namespace', 1)],
        error: unreachableIn(twoFiles, 'HTTP 503'),
        reads: [read('plugins.yaml', V1), read('config.yaml', CONFIG)],
      },
      {
        failing: { 'config.yaml': null },
        enabled: ['hold', 'size'],
        warnings: [prowKey('prowjob_namespace', 1)],
        reparsed: true,
      },
    ],
  },
];

describe('ConfigAgent over a RepoConfigSource', () => {
  it.each(repoCases)('$name', async ({ location: value = location, ticks }) => {
    // Prepare
    const repo = new FakeConfigRepo();
    const clock = fakeClock();
    const source = new RepoConfigSource(repoLocation(value), async () => repo);
    const agent = new ConfigAgent(source, registry, { revalidateMs, now: clock.now });
    const store: Store = { calls: repo.calls, write: async (p, t) => repo.write(p, t), fail: (p, m) => repo.fail(p, m) };

    // Act + Assess, event by event
    await play(agent, store, clock, ticks);
  });
});

describe('ConfigAgent over a FileConfigSource', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const cases: Case[] = [
    {
      name: 'an edited file is reloaded after revalidateMs',
      ticks: [
        { files: { 'plugins.yaml': V1 }, enabled: ['hold'] },
        { after: revalidateMs - 1, files: { 'plugins.yaml': V2 }, enabled: ['hold'], reparsed: false },
        { after: 1, enabled: ['hold', 'size'], reparsed: true },
      ],
    },
    {
      name: 'an unchanged file keeps the parsed config',
      ticks: [
        { files: { 'plugins.yaml': V1 }, enabled: ['hold'] },
        { after: revalidateMs, files: { 'plugins.yaml': V1 }, enabled: ['hold'], reparsed: false },
      ],
    },
    {
      name: 'an invalid edit keeps the old config until fixed',
      ticks: [
        { files: { 'plugins.yaml': V1 }, enabled: ['hold'] },
        {
          after: revalidateMs,
          files: { 'plugins.yaml': INVALID },
          enabled: ['hold'],
          error: /plugins\.yaml:2:24: plugins\["acme\/widgets"\]\[1\]: Invalid input: expected string, received number/,
        },
        { after: revalidateMs, enabled: ['hold'], error: /expected string, received number/, reparsed: false },
        { after: revalidateMs, files: { 'plugins.yaml': V2 }, enabled: ['hold', 'size'], reparsed: true },
      ],
    },
    {
      name: 'a deleted file is served from memory with the error, and reloaded when back',
      ticks: [
        { files: { 'plugins.yaml': V1 }, enabled: ['hold'] },
        {
          after: revalidateMs,
          files: { 'plugins.yaml': null },
          enabled: ['hold'],
          error: /^cannot read the config from .*plugins\.yaml: ENOENT/,
        },
        { files: { 'plugins.yaml': V2 }, enabled: ['hold', 'size'], reparsed: true },
      ],
    },
    {
      name: 'a missing file with no config before: get() rejects',
      ticks: [
        { rejects: { name: 'Error', message: /^ENOENT: no such file or directory, stat '.*plugins\.yaml'$/ } },
        { files: { 'plugins.yaml': V1 }, enabled: ['hold'] },
      ],
    },
  ];

  it.each(cases)('$name', async ({ ticks }) => {
    // Prepare
    dir = await mkdtemp(join(tmpdir(), 'skiff-config-'));
    const root = dir;
    const clock = fakeClock();
    const agent = new ConfigAgent(new FileConfigSource([join(root, 'plugins.yaml')]), registry, { revalidateMs, now: clock.now });
    const store: Store = {
      calls: [],
      write: (path, text) => (text === null ? rm(join(root, path), { force: true }) : writeFile(join(root, path), text)),
      fail: () => {
        throw new Error('a file source has no scripted failures');
      },
    };

    // Act + Assess, event by event
    await play(agent, store, clock, ticks);
  });
});

describe('concurrent reads share one fetch', () => {
  const cases = [
    {
      name: 'two refresh() calls',
      act: (agent: ConfigAgent) => [agent.refresh(), agent.refresh()],
      samePromise: true,
    },
    {
      name: 'three get() calls on a cold agent',
      act: (agent: ConfigAgent) => [agent.get(), agent.get(), agent.get()],
      samePromise: false,
    },
    {
      name: 'get() while a refresh() is under way',
      act: (agent: ConfigAgent) => [agent.refresh(), agent.get()],
      samePromise: false,
    },
  ];

  it.each(cases)('$name', async ({ act, samePromise }) => {
    // Prepare
    const repo = new FakeConfigRepo();
    repo.write('plugins.yaml', V1);
    const release = repo.hold();
    const agent = new ConfigAgent(new RepoConfigSource(repoLocation(location), async () => repo), registry, { revalidateMs });

    // Act
    const pending = act(agent);
    await vi.waitFor(() => expect(repo.calls).toHaveLength(1));
    release();
    await Promise.all(pending);

    // Assess
    expect(repo.calls).toEqual([read('plugins.yaml')]);
    if (samePromise) expect(pending[0]).toBe(pending[1]);
    expect(pluginsFor((await agent.get()).config, 'acme', 'widgets')).toEqual(['hold']);
    // The shared read is over: the next refresh reads again.
    await agent.refresh();
    expect(repo.calls).toEqual([read('plugins.yaml'), read('plugins.yaml', V1)]);
  });

  it('a failed shared read rejects every caller and does not stick', async () => {
    // Prepare
    const repo = new FakeConfigRepo();
    repo.write('plugins.yaml', V1);
    repo.fail('plugins.yaml', 'HTTP 502');
    const release = repo.hold();
    const agent = new ConfigAgent(new RepoConfigSource(repoLocation(location), async () => repo), registry, { revalidateMs });

    // Act
    const pending = [agent.get(), agent.get()].map((p) =>
      p.then(
        () => 'loaded',
        (e: Error) => e.message,
      ),
    );
    await vi.waitFor(() => expect(repo.calls).toHaveLength(1));
    release();
    const outcomes = await Promise.all(pending);
    repo.fail('plugins.yaml', null);
    const after = await agent.get();

    // Assess
    expect(outcomes).toEqual(['HTTP 502', 'HTTP 502']);
    expect(pluginsFor(after.config, 'acme', 'widgets')).toEqual(['hold']);
    expect(after.error).toBeUndefined();
    expect(repo.calls).toEqual([read('plugins.yaml'), read('plugins.yaml')]);
  });
});

// Real push payloads from @octokit/webhooks-examples (Codertocat/Hello-World, default branch
// master); each row changes only what it is about.
const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookDefinition[];

function example(name: string, matches: (payload: Record<string, any>) => boolean): Record<string, any> {
  const payload = examples.find((d) => d.name === name)?.examples.find((e) => matches(e as Record<string, any>));
  if (!payload) throw new Error(`no ${name} example`);
  return structuredClone(payload) as Record<string, any>;
}

const branchPush = example('push', (p) => p.ref === 'refs/heads/master' && p.commits.length === 1);
const tagPush = example('push', (p) => String(p.ref).startsWith('refs/tags/'));
const pullRequest = example('pull_request', (p) => p.action === 'opened');

interface Files {
  added?: string[];
  modified?: string[];
  removed?: string[];
}

/** The example push with the given ref, repository and commits (null: no `commits` key). */
function push({
  ref,
  fullName,
  defaultBranch,
  commits,
}: {
  ref?: string;
  fullName?: string;
  defaultBranch?: string;
  commits?: Files[] | null;
}) {
  const payload = structuredClone(branchPush);
  if (ref) payload.ref = ref;
  if (fullName) payload.repository.full_name = fullName;
  if (defaultBranch) payload.repository.default_branch = defaultBranch;
  const template = payload.commits[0];
  if (commits === null) delete payload.commits;
  else if (commits) {
    payload.commits = commits.map((files, i) => ({
      ...template,
      id: `${i}`.padStart(40, '0'),
      added: [],
      modified: [],
      removed: [],
      ...files,
    }));
  }
  return payload;
}

const configRepo = 'Codertocat/Hello-World:prow/plugins.yaml,prow/config.yaml';
const plugins = 'prow/plugins.yaml';
const readme = 'README.md';

describe('touchedBy', () => {
  const cases = [
    { name: 'a push modifying a config file', location: configRepo, payload: push({ commits: [{ modified: [plugins] }] }), touched: true },
    {
      name: 'a push adding a config file',
      location: configRepo,
      payload: push({ commits: [{ added: ['prow/config.yaml'] }] }),
      touched: true,
    },
    { name: 'a push removing a config file', location: configRepo, payload: push({ commits: [{ removed: [plugins] }] }), touched: true },
    {
      name: 'a later commit of the push touched it',
      location: configRepo,
      payload: push({ commits: [{ modified: [readme] }, { added: ['docs/x.md'] }, { modified: [plugins] }] }),
      touched: true,
    },
    {
      name: 'config files not touched',
      location: configRepo,
      payload: push({ commits: [{ modified: [readme] }, { removed: ['prow/jobs.yaml'] }] }),
      touched: false,
    },
    {
      name: 'files with similar names are not the config files',
      location: configRepo,
      payload: push({ commits: [{ modified: ['prow/plugins.yaml.bak', 'other/prow/plugins.yaml', 'plugins.yaml'] }] }),
      touched: false,
    },
    { name: 'the real example push (adds README.md only)', location: configRepo, payload: push({}), touched: false },
    {
      name: 'a leading slash in SKIFF_CONFIG still matches',
      location: 'Codertocat/Hello-World:/prow/plugins.yaml',
      payload: push({ commits: [{ modified: [plugins] }] }),
      touched: true,
    },
    {
      name: 'the repository name in another case',
      location: 'codertocat/hello-world:prow/plugins.yaml',
      payload: push({ commits: [{ modified: [plugins] }] }),
      touched: true,
    },
    {
      name: 'another repository',
      location: configRepo,
      payload: push({ fullName: 'Codertocat/Hello-World-fork', commits: [{ modified: [plugins] }] }),
      touched: false,
    },
    {
      name: 'another owner',
      location: configRepo,
      payload: push({ fullName: 'Octocat/Hello-World', commits: [{ modified: [plugins] }] }),
      touched: false,
    },
    {
      name: 'another branch',
      location: configRepo,
      payload: push({ ref: 'refs/heads/feature', commits: [{ modified: [plugins] }] }),
      touched: false,
    },
    { name: 'a tag push', location: configRepo, payload: tagPush, touched: false },
    {
      name: 'a renamed default branch',
      location: configRepo,
      payload: push({ ref: 'refs/heads/main', defaultBranch: 'main', commits: [{ modified: [plugins] }] }),
      touched: true,
    },
    {
      name: 'the old default branch after a rename',
      location: configRepo,
      payload: push({ ref: 'refs/heads/master', defaultBranch: 'main', commits: [{ modified: [plugins] }] }),
      touched: false,
    },
    {
      name: 'an explicit @ref branch with slashes',
      location: `${configRepo}@release/1.2`,
      payload: push({ ref: 'refs/heads/release/1.2', commits: [{ modified: [plugins] }] }),
      touched: true,
    },
    {
      name: 'the default branch when an explicit @ref is set',
      location: `${configRepo}@release/1.2`,
      payload: push({ commits: [{ modified: [plugins] }] }),
      touched: false,
    },
    {
      name: 'a branch whose name only starts like the @ref',
      location: `${configRepo}@release/1.2`,
      payload: push({ ref: 'refs/heads/release/1.20', commits: [{ modified: [plugins] }] }),
      touched: false,
    },
    {
      // GitHub may list at most 20 commits; with that many, the files of the rest are unknown.
      name: '20 commits, none listed touching the config',
      location: configRepo,
      payload: push({ commits: Array.from({ length: 20 }, () => ({ modified: [readme] })) }),
      touched: true,
    },
    {
      name: '19 commits, none touching the config',
      location: configRepo,
      payload: push({ commits: Array.from({ length: 19 }, () => ({ modified: [readme] })) }),
      touched: false,
    },
    { name: 'an empty commit list', location: configRepo, payload: push({ commits: [] }), touched: true },
    { name: 'no commit list at all', location: configRepo, payload: push({ commits: null }), touched: true },
    {
      name: 'commits without file lists, one with',
      location: configRepo,
      payload: push({ commits: [{ added: undefined, modified: undefined, removed: undefined }, { removed: ['prow/config.yaml'] }] }),
      touched: true,
    },
    { name: 'a non-push event on the config repo', location: configRepo, event: 'pull_request', payload: pullRequest, touched: false },
    {
      name: 'a create event is not a push',
      location: configRepo,
      event: 'create',
      payload: push({ commits: [{ modified: [plugins] }] }),
      touched: false,
    },
  ];

  it.each(cases)('$name', ({ location: value, event = 'push', payload, touched }) => {
    // Prepare
    const source = new RepoConfigSource(repoLocation(value), async () => new FakeConfigRepo());
    const agent = new ConfigAgent(source, registry);

    // Act
    const bySource = source.touchedBy(event, payload);
    const byAgent = agent.touchedBy(event, payload);

    // Assess
    expect(bySource).toBe(touched);
    expect(byAgent).toBe(touched);
  });

  it('a file source is never touched by a push', () => {
    // Prepare
    const source: ConfigSource = new FileConfigSource(['prow/plugins.yaml']);
    const agent = new ConfigAgent(source, registry);

    // Act + Assess
    expect(agent.touchedBy('push', push({ commits: [{ modified: [plugins] }] }))).toBe(false);
  });
});

// The issue this guards against: after a config change that failed to load in a way the loader
// did not expect, the next event ran with no config at all ("no valid config"), and later events
// silently used the old one. Whatever the failure, the last good config stays, with the error.
describe('a changed config that fails to load in an unexpected way', () => {
  /** A plugin whose section schema throws (a bug in it) on `boom: true`. */
  const fragile: Plugin = {
    name: 'fragile',
    description: 'test plugin with a config schema that throws',
    config: {
      key: 'fragile',
      schema: z.unknown().optional().transform((value) => {
        if ((value as { boom?: unknown } | undefined)?.boom) throw new TypeError("Cannot read properties of undefined (reading 'x')");
        return value;
      }),
    },
  };

  it('keeps the last good config, with the error, on every event until a version loads', async () => {
    // Prepare
    const repo = new FakeConfigRepo();
    const clock = fakeClock();
    const agent = new ConfigAgent(new RepoConfigSource(repoLocation(location), async () => repo), [...registry, fragile], { revalidateMs, now: clock.now });
    repo.write('plugins.yaml', V1);
    await agent.get();
    const error = `invalid config in ${location}:\n  cannot load: Cannot read properties of undefined (reading 'x')`;

    // Act
    repo.write('plugins.yaml', `${V1}fragile: {boom: true}\n`);
    clock.advance(revalidateMs);
    const next = await agent.get();
    clock.advance(revalidateMs);
    const later = await agent.get();
    repo.write('plugins.yaml', V2);
    clock.advance(revalidateMs);
    const fixed = await agent.get();

    // Assess
    expect([next, later].map((s) => [pluginsFor(s.config, 'acme', 'widgets'), s.error])).toEqual([
      [['hold'], error],
      [['hold'], error],
    ]);
    expect([pluginsFor(fixed.config, 'acme', 'widgets'), fixed.error]).toEqual([['hold', 'size'], undefined]);
  });

  it('a config that has never loaded is an error for every event, never an empty plugin set', async () => {
    // Prepare
    const repo = new FakeConfigRepo();
    repo.write('plugins.yaml', 'fragile: {boom: true}\n');
    const agent = new ConfigAgent(new RepoConfigSource(repoLocation(location), async () => repo), [...registry, fragile], { revalidateMs });

    // Act + Assess
    await expect(agent.get()).rejects.toThrow(/^invalid config in .*:\n {2}cannot load: Cannot read properties of undefined/);
    await expect(agent.get()).rejects.toThrow(ConfigError);
  });
});
