// A real bare git repository in a temp dir, shaped like a GitHub repository with pull requests:
// `main` with two commits, `refs/pull/1/head` that merges cleanly, `refs/pull/2/head` that
// conflicts with main; `advanceMain` moves main on, as a merge of another pull request would. Used as a clone URL (a local path) by the clonerefs and local agent tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRepo {
  /** The bare repository: the clone URL. */
  bare: string;
  baseSha: string;
  /** The first commit of main, for a base SHA older than the branch. */
  firstSha: string;
  /** Adds `feature.txt`: merges cleanly. */
  cleanSha: string;
  /** Rewrites `README.md` differently from main: conflicts. */
  conflictSha: string;
  /** Adds `second.txt` on top of the clean pull: a second pull to merge after the first. */
  secondSha: string;
  /** Creates a branch (any name git accepts) at main and returns it. */
  branch(name: string): void;
  /** Commits `files` on top of main and pushes it there, as a merge to the base would; returns the new head. */
  advanceMain(message: string, files: Record<string, string>): string;
  /** Runs git in the bare repository. */
  git(...args: string[]): string;
  remove(): void;
}

// Fixed identity and dates: the same repository (and SHAs) every run.
const authorEnv = (date: number) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: '/nonexistent',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
  GIT_AUTHOR_DATE: `${date} +0000`,
  GIT_COMMITTER_DATE: `${date} +0000`,
});

export function makeTestRepo(): TestRepo {
  const root = mkdtempSync(join(tmpdir(), 'skiff-test-repo-'));
  const bare = join(root, 'origin.git');
  const work = join(root, 'work');
  let date = 1_700_000_000;
  const run = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: authorEnv(date), encoding: 'utf8' }).trim();
  const commit = (message: string, files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(work, name), text);
    run(work, 'add', '.');
    run(work, 'commit', '-q', '-m', message);
    date += 60;
    return run(work, 'rev-parse', 'HEAD');
  };
  // HEAD names main, as GitHub's does: Prow's first fetch (no refspec) fetches HEAD.
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare], { env: authorEnv(date) });
  execFileSync('git', ['init', '-q', '-b', 'main', work], { env: authorEnv(date) });
  const firstSha = commit('first', { 'README.md': 'hello\n' });
  const baseSha = commit('second', { 'README.md': 'hello\nworld\n', 'base.txt': 'base\n' });
  run(work, 'checkout', '-q', '-b', 'pr1', firstSha);
  const cleanSha = commit('feature', { 'feature.txt': 'feature\n' });
  const secondSha = commit('more', { 'second.txt': 'second\n' });
  run(work, 'checkout', '-q', '-b', 'pr2', firstSha);
  const conflictSha = commit('conflict', { 'README.md': 'hello\nmars\n' });
  run(work, 'push', '-q', bare, 'main:refs/heads/main', `${cleanSha}:refs/pull/1/head`, `${conflictSha}:refs/pull/2/head`, `${secondSha}:refs/pull/3/head`);
  return {
    bare,
    baseSha,
    firstSha,
    cleanSha,
    conflictSha,
    secondSha,
    branch: (name) => {
      run(bare, 'update-ref', `refs/heads/${name}`, baseSha);
    },
    advanceMain: (message, files) => {
      run(work, 'checkout', '-q', 'main');
      const sha = commit(message, files);
      run(work, 'push', '-q', bare, 'main:refs/heads/main');
      return sha;
    },
    git: (...args) => run(bare, ...args),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
