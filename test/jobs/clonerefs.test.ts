import { execFileSync, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authEnv,
  basicAuthHeader,
  censor,
  ClonerefsError,
  ClonerefsInputError,
  clonerefsScript,
  commandsForBaseRef,
  commandsForPullRefs,
  formatCommand,
  formatRecord,
  pathForRefs,
  runClonerefs,
  shQuote,
  workdirFor,
  type CloneCommand,
  type CloneRefs,
} from '../../shared/jobs/clonerefs.js';
import { makeTestRepo, type TestRepo } from '../fakes/local-agent-git-repo.js';

const refs = (over: Partial<CloneRefs>): CloneRefs => ({ org: 'org', repo: 'repo', baseRef: 'master', pulls: [], ...over });
/** One line per command: `retry` for Prow's retryCommand, the env in brackets. */
const show = (c: CloneCommand) => `${c.retry ? 'retry ' : ''}${c.command} ${c.args.join(' ')}${c.env.length ? ` [${c.env.join(' ')}]` : ''}`;

const fakeTimestamp = 100200300;
const ts = (n: number) => ` [GIT_AUTHOR_DATE=${fakeTimestamp + n} GIT_COMMITTER_DATE=${fakeTimestamp + n}]`;
const gh = 'https://github.com/org/repo.git';
const standardBase = (uri = gh, fetchRef = 'master', target = 'FETCH_HEAD') => [
  `retry git fetch ${uri} --tags --prune`,
  `retry git fetch ${uri} ${fetchRef}`,
  `git checkout ${target}`,
  `git branch --force master ${target}`,
  'git checkout master',
];
const submodules = 'git submodule update --init --recursive';

// Prow's TestCommandsForRefs (pkg/pod-utils/clone/clone_test.go), row for row. The oauth rows
// differ on purpose: the token is never put in the URL (see the credentials tests below).
describe('commandsForRefs (Prow TestCommandsForRefs)', () => {
  it.each([
    { name: 'simplest case, minimal refs', refs: refs({}), dir: '/go', clone: '/go/src/github.com/org/repo', base: ['git init', ...standardBase()], pull: [submodules] },
    { name: 'simple case, root dir', refs: refs({}), dir: '/', clone: '/src/github.com/org/repo', base: ['git init', ...standardBase()], pull: [submodules] },
    { name: 'minimal refs with git user name', refs: refs({}), dir: '/go', identity: { gitUserName: 'user' }, clone: '/go/src/github.com/org/repo', base: ['git init', 'git config user.name user', ...standardBase()], pull: [submodules] },
    { name: 'minimal refs with git user email', refs: refs({}), dir: '/go', identity: { gitUserEmail: 'user@go.com' }, clone: '/go/src/github.com/org/repo', base: ['git init', 'git config user.email user@go.com', ...standardBase()], pull: [submodules] },
    {
      name: 'minimal refs with http cookie file (skip submodules)',
      refs: refs({ skipSubmodules: true }),
      dir: '/go',
      identity: { cookiePath: '/cookie.txt' },
      clone: '/go/src/github.com/org/repo',
      base: ['git init', 'git config http.cookiefile /cookie.txt', ...standardBase()],
      pull: [],
    },
    { name: 'minimal refs with http cookie file', refs: refs({}), dir: '/go', identity: { cookiePath: '/cookie.txt' }, clone: '/go/src/github.com/org/repo', base: ['git init', ...standardBase()], pull: [submodules] },
    { name: 'minimal refs with no submodules', refs: refs({ skipSubmodules: true }), dir: '/go', clone: '/go/src/github.com/org/repo', base: ['git init', ...standardBase()], pull: [] },
    { name: 'minimal refs with oauth token (no token in the URL here)', refs: refs({}), dir: '/go', clone: '/go/src/github.com/org/repo', base: ['git init', ...standardBase()], pull: [submodules] },
    {
      name: 'minimal refs with GitHub App user and token and clone URI override',
      refs: refs({ cloneUri: 'git@github.com:owner/repo' }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', ...standardBase('git@github.com:owner/repo')],
      pull: [submodules],
    },
    { name: 'refs with clone URI override', refs: refs({ cloneUri: 'internet.com' }), dir: '/go', clone: '/go/src/github.com/org/repo', base: ['git init', ...standardBase('internet.com')], pull: [submodules] },
    { name: 'refs with path alias', refs: refs({ pathAlias: 'my/favorite/dir' }), dir: '/go', clone: '/go/src/my/favorite/dir', base: ['git init', ...standardBase()], pull: [submodules] },
    { name: 'refs with specific base sha', refs: refs({ baseSha: 'abcdef' }), dir: '/go', clone: '/go/src/github.com/org/repo', base: ['git init', ...standardBase(gh, 'abcdef', 'abcdef')], pull: [submodules] },
    {
      name: 'refs with simple pr ref',
      refs: refs({ pulls: [{ number: 1, author: 'a', sha: '' }] }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', ...standardBase()],
      pull: [`retry git fetch ${gh} pull/1/head`, `git merge --no-ff FETCH_HEAD${ts(1)}`, submodules],
    },
    {
      name: 'refs with simple pr ref, sha takes precedence over virtual pull ref',
      refs: refs({ pulls: [{ number: 1, author: 'a', sha: 'pull-1-sha' }] }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', ...standardBase()],
      pull: [`retry git fetch ${gh} pull-1-sha`, `git merge --no-ff pull-1-sha${ts(1)}`, submodules],
    },
    {
      name: 'refs with pr ref override',
      refs: refs({ pulls: [{ number: 1, author: 'a', sha: '', ref: 'pull-me' }] }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', ...standardBase()],
      pull: [`retry git fetch ${gh} pull-me`, `git merge --no-ff FETCH_HEAD${ts(1)}`, submodules],
    },
    {
      name: 'blobless refs with pr ref override',
      refs: refs({ pulls: [{ number: 1, author: 'a', sha: '', ref: 'pull-me' }], bloblessFetch: true }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', `retry git fetch --filter=blob:none ${gh} --tags --prune`, `retry git fetch --filter=blob:none ${gh} master`, 'git checkout FETCH_HEAD', 'git branch --force master FETCH_HEAD', 'git checkout master'],
      pull: [`retry git fetch --filter=blob:none ${gh} pull-me`, `git merge --no-ff FETCH_HEAD${ts(1)}`, submodules],
    },
    {
      name: 'sparse checkout single dir',
      refs: refs({ sparseCheckoutFiles: ['pkg/operator'] }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', 'git sparse-checkout init', `retry git fetch --filter=blob:none --no-tags ${gh} master`, 'git sparse-checkout set pkg/operator', 'git checkout FETCH_HEAD', 'git branch --force master FETCH_HEAD', 'git checkout master'],
      pull: [submodules],
    },
    {
      name: 'sparse checkout multiple dirs',
      refs: refs({ sparseCheckoutFiles: ['Dockerfile', 'Makefile'] }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', 'git sparse-checkout init', `retry git fetch --filter=blob:none --no-tags ${gh} master`, 'git sparse-checkout set Dockerfile Makefile', 'git checkout FETCH_HEAD', 'git branch --force master FETCH_HEAD', 'git checkout master'],
      pull: [submodules],
    },
    {
      name: 'refs with pr ref with specific sha',
      refs: refs({ pulls: [{ number: 1, author: 'a', sha: 'abcdef' }] }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', ...standardBase()],
      pull: [`retry git fetch ${gh} abcdef`, `git merge --no-ff abcdef${ts(1)}`, submodules],
    },
    {
      name: 'refs with multiple simple pr refs',
      refs: refs({ pulls: [{ number: 1, author: 'a', sha: '' }, { number: 2, author: 'b', sha: '' }] }),
      dir: '/go',
      clone: '/go/src/github.com/org/repo',
      base: ['git init', ...standardBase()],
      pull: [`retry git fetch ${gh} pull/1/head`, `git merge --no-ff FETCH_HEAD${ts(1)}`, `retry git fetch ${gh} pull/2/head`, `git merge --no-ff FETCH_HEAD${ts(2)}`, submodules],
    },
    {
      name: 'refs with repo link',
      refs: refs({ baseSha: 'abcdef', repoLink: 'https://github.enterprise.com/org/repo' }),
      dir: '/go',
      clone: '/go/src/github.enterprise.com/org/repo',
      base: ['git init', ...standardBase('https://github.enterprise.com/org/repo.git', 'abcdef', 'abcdef')],
      pull: [submodules],
    },
    {
      name: 'support fetching repo with multiple heads',
      refs: refs({ baseSha: 'abcdef', repoLink: 'https://github.enterprise.com/org/repo', skipFetchHead: true }),
      dir: '/go',
      clone: '/go/src/github.enterprise.com/org/repo',
      base: ['git init', 'retry git fetch https://github.enterprise.com/org/repo.git abcdef', 'git checkout abcdef', 'git branch --force master abcdef', 'git checkout master'],
      pull: [submodules],
    },
    {
      name: 'support shallow fetching repo with multiple heads',
      refs: refs({ baseSha: 'abcdef', repoLink: 'https://github.enterprise.com/org/repo', skipFetchHead: true, cloneDepth: 2 }),
      dir: '/go',
      clone: '/go/src/github.enterprise.com/org/repo',
      base: ['git init', 'retry git fetch --depth 2 https://github.enterprise.com/org/repo.git abcdef', 'git checkout abcdef', 'git branch --force master abcdef', 'git checkout master'],
      pull: [submodules],
    },
  ])('$name', ({ refs: r, dir, identity, clone, base, pull }) => {
    const baseCommands = commandsForBaseRef(r, dir, identity);
    expect(baseCommands[0]).toMatchObject({ dir: '/', command: 'mkdir', args: ['-p', clone] });
    expect(baseCommands.slice(1).map(show)).toEqual(base);
    const pullCommands = commandsForPullRefs(r, dir, fakeTimestamp);
    expect(pullCommands.map(show)).toEqual(pull);
    expect([...baseCommands.slice(1), ...pullCommands].every((c) => c.dir === clone)).toBe(true);
  });
});

describe('pathForRefs (Prow TestPathForRefs)', () => {
  it.each([
    { name: 'literal override', refs: refs({ org: '', repo: '', pathAlias: 'alias' }), expected: 'base/src/alias' },
    { name: 'default generated', refs: refs({}), expected: 'base/src/github.com/org/repo' },
    { name: 'repository link (GitHub Enterprise)', refs: refs({ repoLink: 'https://ghe.example.com/org/repo' }), expected: 'base/src/ghe.example.com/org/repo' },
  ])('$name', ({ refs: r, expected }) => {
    expect(pathForRefs('base', r)).toBe(expected);
  });

  it('the job starts in the extra ref marked workdir, else the primary refs', () => {
    const primary = refs({});
    const tools = refs({ repo: 'tools', workdir: true });
    expect(workdirFor('/go', primary, [refs({ repo: 'other' })])).toBe('/go/src/github.com/org/repo');
    expect(workdirFor('/go', primary, [tools])).toBe('/go/src/github.com/org/tools');
    expect(workdirFor('/go', undefined, [refs({ repo: 'only' })])).toBe('/go/src/github.com/org/only');
    expect(workdirFor('/go', undefined, [])).toBeUndefined();
  });
});

describe('formatCommand (Prow TestCloneCommandString)', () => {
  it.each([
    { name: 'empty', c: { dir: '', env: [], command: '' as const, args: [] }, want: 'PWD=   ' },
    { name: 'base', c: { dir: 'abc', env: ['d=e', 'f=g'], command: 'echo', args: ['hij klm'] }, want: 'PWD=abc d=e f=g echo hij klm' },
  ])('$name', ({ c, want }) => {
    expect(formatCommand(c as never)).toBe(want);
  });
});

describe('credentials', () => {
  it('a token becomes a Basic header scoped to the one repository URL, as Prow URL credentials would', () => {
    expect(authEnv(gh, { token: '12345678' })).toEqual({
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `http.${gh}.extraheader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from('12345678:x-oauth-basic').toString('base64')}`,
    });
    expect(basicAuthHeader({ token: 'xxxxx', user: 'x-access-token' })).toBe(`Authorization: Basic ${Buffer.from('x-access-token:xxxxx').toString('base64')}`);
  });

  it.each([
    { name: 'SSH clone URI: no header', uri: 'git@github.com:owner/repo' },
    { name: 'local path: no header', uri: '/srv/git/repo.git' },
  ])('$name', ({ uri }) => {
    expect(authEnv(uri, { token: 't' })).toEqual({});
  });

  // Prow's TestCensorToken, plus the header form of the token.
  it.each([
    { id: 'no token', token: '', msg: 'git fetch https://github.com/kubernetes/test-infra.git', expected: 'git fetch https://github.com/kubernetes/test-infra.git' },
    { id: 'with token', token: '123456789', msg: 'git fetch 123456789:x-oauth-basic@https://github.com/kubernetes/test-infra.git', expected: 'git fetch CENSORED:x-oauth-basic@https://github.com/kubernetes/test-infra.git' },
    {
      id: 'git output with token',
      token: '123456789',
      msg: "fatal: Authentication failed for 'https://123456789@github.com/kubernetes/test-infa/'\n",
      expected: "fatal: Authentication failed for 'https://CENSORED@github.com/kubernetes/test-infa/'\n",
    },
    { id: 'the header made of the token', token: 'abc', msg: `sent ${Buffer.from('abc:x-oauth-basic').toString('base64')}`, expected: 'sent CENSORED' },
  ])('censor: $id', ({ token, msg, expected }) => {
    expect(censor(msg, token ? { token } : undefined)).toBe(expected);
  });
});

describe('validation', () => {
  it.each([
    { name: 'base ref read as an option', r: refs({ baseRef: '--upload-pack=touch /tmp/x' }), message: 'base ref "--upload-pack=touch /tmp/x" starts with "-"' },
    { name: 'clone URI read as an option', r: refs({ cloneUri: '-uevil' }), message: 'clone URI "-uevil" starts with "-"' },
    { name: 'pull SHA read as an option', r: refs({ pulls: [{ number: 1, author: 'a', sha: '--output=/etc/passwd' }] }), message: 'SHA of pull #1 "--output=/etc/passwd" starts with "-"' },
    { name: 'line break in a branch', r: refs({ baseRef: 'main\n# Final SHA: forged' }), message: 'base ref "main\\n# Final SHA: forged" contains a control character' },
    { name: 'empty base ref', r: refs({ baseRef: '' }), message: 'base ref is empty' },
    { name: 'path alias leaving the source root', r: refs({ pathAlias: '../../etc' }), message: 'path alias "../../etc" leaves the source root' },
  ])('$name', async ({ r, message }) => {
    expect(() => clonerefsScript([r])).toThrow(new ClonerefsInputError(message));
    await expect(runClonerefs('/nonexistent', [r])).rejects.toThrow(new ClonerefsInputError(message));
  });

  it.each([
    { word: "it's", expected: `'it'\\''s'` },
    { word: '$(touch x)`id`', expected: `'$(touch x)\`id\`'` },
  ])('shQuote($word)', ({ word, expected }) => {
    expect(shQuote(word)).toBe(expected);
  });
});

// Real git, a real bare repository as the clone URL.
describe('runClonerefs against a real repository', () => {
  let repo: TestRepo;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-clonerefs-'));
    dirs.push(dir);
    return dir;
  };
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
  beforeAll(() => {
    repo = makeTestRepo();
  });
  afterAll(() => {
    repo.remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const prRefs = (over: Partial<CloneRefs> = {}): CloneRefs => ({
    org: 'org',
    repo: 'repo',
    baseRef: 'main',
    baseSha: repo.baseSha,
    cloneUri: repo.bare,
    pulls: [{ number: 1, author: 'dev', sha: repo.cleanSha }],
    ...over,
  });

  it('checks out the base SHA with the pull merged onto it, by Prow\'s robot, dated from the base commit', async () => {
    const dir = tempDir();
    const [record] = await runClonerefs(dir, [prRefs()], { fetchRetriesMs: [] });
    const checkout = join(dir, 'src/github.com/org/repo');
    expect(record!.path).toBe(checkout);
    expect(readFileSync(join(checkout, 'README.md'), 'utf8')).toBe('hello\nworld\n');
    expect(readFileSync(join(checkout, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(git(checkout, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git(checkout, 'rev-parse', 'HEAD^1', 'HEAD^2').split('\n')).toEqual([repo.baseSha, repo.cleanSha]);
    const baseTime = Number(git(checkout, 'show', '-s', '--format=%ct', repo.baseSha));
    expect(git(checkout, 'show', '-s', '--format=%an <%ae> %at %cn <%ce> %ct', 'HEAD')).toBe(`ci-robot <ci-robot@k8s.io> ${baseTime + 1} ci-robot <ci-robot@k8s.io> ${baseTime + 1}`);
    expect(record!.finalSha).toBe(git(checkout, 'rev-parse', 'HEAD'));
    expect(record!.failed).toBe(false);
  });

  it('is reproducible: the same refs make the same merge SHA', async () => {
    const [first] = await runClonerefs(tempDir(), [prRefs()], { fetchRetriesMs: [] });
    const [second] = await runClonerefs(tempDir(), [prRefs()], { fetchRetriesMs: [] });
    expect(first!.finalSha).toBe(second!.finalSha);
  });

  it('merges several pulls in order, one second apart; without a SHA it fetches pull/N/head', async () => {
    const dir = tempDir();
    const pulls = [
      { number: 1, author: 'dev', sha: '' },
      { number: 3, author: 'dev', sha: repo.secondSha },
    ];
    await runClonerefs(dir, [prRefs({ pulls, baseSha: undefined })], { fetchRetriesMs: [] });
    const checkout = join(dir, 'src/github.com/org/repo');
    expect(readFileSync(join(checkout, 'second.txt'), 'utf8')).toBe('second\n');
    const times = git(checkout, 'log', '--merges', '--format=%ct').split('\n').map(Number);
    expect(times[0]! - times[1]!).toBe(1);
  });

  it('a conflicting pull fails with a message naming the pull and the conflict, and the clone log shows it', async () => {
    const error = await runClonerefs(tempDir(), [prRefs({ pulls: [{ number: 2, author: 'dev', sha: repo.conflictSha }] })], { fetchRetriesMs: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClonerefsError);
    const failure = error as ClonerefsError;
    expect(failure.message).toBe(`merging pull #2 (${repo.conflictSha.slice(0, 12)}) onto main of org/repo failed: CONFLICT (content): Merge conflict in README.md`);
    const log = formatRecord(failure.records[0]!);
    expect(log.startsWith(`# FAILED\n# Cloning org/repo at main(${repo.baseSha})\n# Checking out pulls:\n#\t2(${repo.conflictSha})\n`)).toBe(true);
    expect(log).toMatch(new RegExp(`\\$ PWD=\\S+ GIT_AUTHOR_DATE=\\d+ GIT_COMMITTER_DATE=\\d+ git merge --no-ff ${repo.conflictSha}( \\(runtime: \\d+ms\\))?\\n`));
    expect(log).toContain('# Error: exit status 1\n');
  });

  it('a ref that does not exist fails the fetch', async () => {
    const error = await runClonerefs(tempDir(), [prRefs({ baseSha: undefined, baseRef: 'nope', pulls: [] })], { fetchRetriesMs: [] }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^git fetch of org\/repo failed: .*couldn't find remote ref nope/);
  });

  it('extra refs check out beside the primary ones, at their path alias', async () => {
    const dir = tempDir();
    const records = await runClonerefs(dir, [prRefs(), { org: 'org', repo: 'tools', baseRef: 'main', cloneUri: repo.bare, pathAlias: 'k8s.io/tools', pulls: [] }], { fetchRetriesMs: [] });
    expect(records.map((r) => r.path)).toEqual([join(dir, 'src/github.com/org/repo'), join(dir, 'src/k8s.io/tools')]);
    expect(existsSync(join(dir, 'src/k8s.io/tools/base.txt'))).toBe(true);
    expect(existsSync(join(dir, 'src/k8s.io/tools/feature.txt'))).toBe(false);
  });

  it('the runner passes hostile names as arguments, never through a shell', async () => {
    const branch = '$(touch${IFS}pwned)`touch${IFS}pwned2`';
    repo.branch(branch);
    const dir = tempDir();
    const [record] = await runClonerefs(dir, [prRefs({ baseRef: branch, baseSha: undefined })], { fetchRetriesMs: [] });
    expect(git(record!.path, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(branch);
    expect(readdirSync(record!.path).sort()).toEqual(['.git', 'README.md', 'base.txt', 'feature.txt']);
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
  });

  describe('the shell script', () => {
    const runScript = (script: string, env: Record<string, string> = {}) =>
      spawnSync('sh', ['-c', script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...env },
      });

    it('makes the same checkout and the same merge SHA as the runner', async () => {
      const [record] = await runClonerefs(tempDir(), [prRefs()], { fetchRetriesMs: [] });
      const root = tempDir();
      const result = runScript(clonerefsScript([prRefs()], { srcRoot: root, fetchRetriesSeconds: [] }));
      expect(result.status).toBe(0);
      const checkout = join(root, 'src/github.com/org/repo');
      expect(git(checkout, 'rev-parse', 'HEAD')).toBe(record!.finalSha);
      expect(result.stdout).toContain(`# Final SHA: ${record!.finalSha}\n`);
      expect(result.stdout).toContain(`$ git merge --no-ff ${repo.cleanSha}\n`);
    });

    it('exits 1 with one clonerefs: line on a conflict', () => {
      const result = runScript(clonerefsScript([prRefs({ pulls: [{ number: 2, author: 'dev', sha: repo.conflictSha }] })], { srcRoot: tempDir(), fetchRetriesSeconds: [] }));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`clonerefs: merging pull #2 (${repo.conflictSha.slice(0, 12)}) onto main of org/repo failed\n`);
      expect(result.stdout).toContain('CONFLICT (content): Merge conflict in README.md');
    });

    // Branch names git accepts that a shell would run: each must stay a name.
    it.each([
      { name: 'command substitution', branch: '$(touch${IFS}pwned)' },
      { name: 'backticks', branch: '`touch${IFS}pwned`' },
      { name: 'a quote that closes the quoting', branch: "x';touch${IFS}pwned;'" },
      { name: 'a double quote and a semicolon', branch: 'x";touch${IFS}pwned;"' },
      { name: 'pipes and redirects', branch: 'a|touch${IFS}pwned>b&&c' },
    ])('hostile branch: $name', ({ branch }) => {
      repo.branch(branch);
      const root = tempDir();
      const cwd = tempDir();
      const alias = `alias/${branch}`;
      const result = spawnSync('sh', ['-c', clonerefsScript([prRefs({ baseRef: branch, baseSha: undefined, pathAlias: alias })], { srcRoot: root, fetchRetriesSeconds: [] })], {
        cwd,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
      });
      expect(result.stderr).not.toContain('clonerefs:');
      expect(result.status).toBe(0);
      const checkout = join(root, 'src', alias);
      expect(git(checkout, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe(branch);
      expect(readFileSync(join(checkout, 'feature.txt'), 'utf8')).toBe('feature\n');
      expect(readdirSync(cwd)).toEqual([]);
      expect(existsSync(join(checkout, 'pwned'))).toBe(false);
    });
  });
});

function runSh(script: string, env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// A real smart-HTTP git server (git http-backend behind node:http) that insists on the token.
describe('credentials over HTTP', () => {
  let repo: TestRepo;
  let server: Server;
  let url: string;
  const seen: (string | undefined)[] = [];
  const token = 'ghs_s3cr3tT0ken';
  const expected = `Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-clonerefs-http-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    repo = makeTestRepo();
    repo.git('config', 'http.receivepack', 'false');
    server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      const u = new URL(req.url ?? '/', 'http://localhost');
      // CGI: git http-backend reads the request from its environment and stdin.
      const cgi = spawn('git', ['http-backend'], {
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          GIT_PROJECT_ROOT: join(repo.bare, '..'),
          GIT_HTTP_EXPORT_ALL: '1',
          PATH_INFO: u.pathname,
          QUERY_STRING: u.search.slice(1),
          REQUEST_METHOD: req.method ?? 'GET',
          CONTENT_TYPE: req.headers['content-type'] ?? '',
          GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
          HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        },
      });
      req.pipe(cgi.stdin);
      const chunks: Buffer[] = [];
      cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
      cgi.on('close', () => {
        const raw = Buffer.concat(chunks);
        const split = raw.indexOf('\r\n\r\n');
        const head = raw.subarray(0, split).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        let status = 200;
        for (const line of head) {
          const [key, ...rest] = line.split(': ');
          if (key!.toLowerCase() === 'status') status = Number(rest.join(': ').split(' ')[0]);
          else headers[key!] = rest.join(': ');
        }
        res.writeHead(status, headers).end(raw.subarray(split + 4));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/origin.git`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    repo.remove();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const httpRefs = (): CloneRefs => ({ org: 'org', repo: 'repo', baseRef: 'main', baseSha: repo.baseSha, cloneUri: url, pulls: [{ number: 1, author: 'dev', sha: repo.cleanSha }] });

  it('without the token the server refuses, and git does not wait for a password', async () => {
    const error = await runClonerefs(tempDir(), [httpRefs()], { fetchRetriesMs: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClonerefsError);
  });

  it('runner: sends the token as a header; it is in no URL, no git config, no log', async () => {
    seen.length = 0;
    const dir = tempDir();
    const [record] = await runClonerefs(dir, [httpRefs()], { fetchRetriesMs: [], credentials: { token, user: 'x-access-token' } });
    expect(readFileSync(join(record!.path, 'feature.txt'), 'utf8')).toBe('feature\n');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((h) => h === expected)).toBe(true);
    expect(readFileSync(join(record!.path, '.git/config'), 'utf8')).not.toContain(token);
    const log = formatRecord(record!);
    expect(log).not.toContain(token);
    expect(log).not.toContain(expected.slice('Basic '.length));
  });

  it('script: reads the token from the named variable at run time; the script holds only the name', async () => {
    seen.length = 0;
    const root = tempDir();
    const script = clonerefsScript([httpRefs()], { srcRoot: root, tokenEnvVar: 'SKIFF_GIT_TOKEN', tokenUser: 'x-access-token', fetchRetriesSeconds: [] });
    expect(script).not.toContain(token);
    // Not spawnSync: the git server answers from this same event loop.
    const result = await runSh(script, { SKIFF_GIT_TOKEN: token });
    expect(result.stderr).not.toContain('clonerefs:');
    expect(result.status).toBe(0);
    expect(seen.every((h) => h === expected)).toBe(true);
    expect(`${result.stdout}${result.stderr}`).not.toContain(token);
    expect(readFileSync(join(root, 'src/github.com/org/repo/.git/config'), 'utf8')).not.toContain(token);
  });
});
