// CI end to end in local mode: signed real payloads → the webhook → trigger → plank → the local
// agent (a real clone of a real git repository, a real process) → crier → the real Octokit → the
// fake GitHub over HTTP. The clone URL is a local bare repository (test/fakes/local-agent-git-repo.ts:
// `main` with two commits, `refs/pull/1/head` that merges cleanly), given as the payloads'
// `clone_url` and as the fake GitHub's pull requests' base `clone_url`, as GitHub sends it.
//
// The jobs are shell scripts that print Prow's variables and what the checkout holds, and are
// steered through files in a control directory: `exit-code` (the code the job exits with, so the
// same job can pass and then fail), `hold` (while it exists the job keeps running, so a job is
// seen `pending` and can be aborted), `runs` (one line per run, so a run twice shows). Nothing is
// timed: every wait polls the job store, the fake GitHub or the log until a deadline.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import type { JobRecord } from '../../shared/jobs/types.js';
import { makeTestRepo, type TestRepo } from '../fakes/local-agent-git-repo.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const [org, name] = repo.split('/') as [string, string];

/** Polls `probe` until it returns something other than undefined; the deadline only bounds a broken run. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The job script: Prow's variables, a file only the pull request's head has, then the control files. */
function jobScript(control: string, extra = ''): string {
  return [
    ...['JOB_NAME', 'JOB_TYPE', 'PULL_NUMBER', 'PULL_BASE_SHA', 'PULL_REFS', 'PULL_PULL_SHA', 'PROW_JOB_ID', 'BUILD_ID', 'JOB_SPEC'].map((v) => `printf '%s=%s\\n' ${v} "$${v}"`),
    `printf 'pwd=%s\\n' "$(pwd)"`,
    extra,
    `echo "$$" > '${control}/pid'`,
    `echo "$JOB_NAME" >> '${control}/runs'`,
    `echo started`,
    `while [ -f '${control}/hold' ]; do sleep 0.05; done`,
    `exit "$(cat '${control}/exit-code')"`,
  ].join('\n');
}

const container = (script: string) => ({ spec: { containers: [{ image: 'alpine:3.20', command: ['sh', '-c', script] }] } });

/** trigger on for the repository; presubmits `unit` (always_run) and `manual`, a postsubmit, a periodic. */
function jobsConfig(control: string): string {
  return stringify({
    plugins: { [repo]: { plugins: ['trigger'] } },
    presubmits: {
      [repo]: [
        {
          name: 'unit',
          always_run: true,
          decorate: true,
          // `moved.txt` is only on main once a test moves main on (advanceMain).
          ...container(jobScript(control, `printf 'feature.txt=%s\\n' "$(cat feature.txt)"; printf 'moved.txt=%s\\n' "$(cat moved.txt 2>/dev/null)"`)),
        },
        { name: 'manual', ...container(jobScript(control)) },
      ],
    },
    postsubmits: { [repo]: [{ name: 'post-unit', branches: ['main'], ...container(jobScript(control, `printf 'base.txt=%s\\n' "$(cat base.txt)"`)) }] },
    // Go's time.ParseDuration reads `1s`, as Prow's loader does.
    periodics: [{ name: 'tick', interval: '1s', ...container(`echo tick >> '${control}/ticks'`) }],
  });
}

let h: Harness | undefined;
let git: TestRepo;
let control: string;

beforeEach(() => {
  git = makeTestRepo();
  control = mkdtempSync(join(tmpdir(), 'skiff-jobs-e2e-'));
  writeFileSync(join(control, 'exit-code'), '0\n');
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  git.remove();
  rmSync(control, { recursive: true, force: true });
});

/** Local mode with the job config; no timers (the tests drive horologium), GitHub's pull request #1 as the bare repository has it. */
async function harness(config = jobsConfig(control)): Promise<Harness> {
  const started = await startHarness({ config, skiff: { jobTicks: { horologiumMs: 0, reconcileMs: 0, sinkerMs: 0 } } });
  started.github.setRole(repo, 'Codertocat', 'write');
  started.github.setCloneUrl(repo, git.bare);
  started.github.setPullRequest(repo, 1, { author: 'Codertocat', head: { sha: git.cleanSha, ref: 'feature' }, base: { sha: git.baseSha, ref: 'main' } });
  return started;
}

const jobsOf = (number = 1) => h!.skiff.jobs.store.byPull(org, name, number);
const hold = () => writeFileSync(join(control, 'hold'), '');
const release = () => rmSync(join(control, 'hold'), { force: true });
const exitWith = (code: number) => writeFileSync(join(control, 'exit-code'), `${code}\n`);
const runs = () => (existsSync(join(control, 'runs')) ? readFileSync(join(control, 'runs'), 'utf8').split('\n').filter(Boolean) : []);

/** The job's record once `ready` holds for it. */
const record = (id: string, ready: (job: JobRecord) => boolean, what: string) =>
  eventually(what, async () => {
    const job = await h!.skiff.jobs.store.get(id);
    return job && ready(job) ? job : undefined;
  });

/** The log at the job's URL (`GET /jobs/<id>/log`) once it holds `text`. */
const logWith = (job: JobRecord, text: string) =>
  eventually(`the log of ${job.name} to show ${JSON.stringify(text)}`, async () => {
    const response = await fetch(job.url!);
    const body = await response.text();
    return response.ok && body.includes(text) ? body : undefined;
  });

const statusOf = (sha: string, context: string) => h!.github.statusesOf(repo, sha).find((s) => s.context === context);
const statusBecomes = (sha: string, context: string, state: string) =>
  eventually(`status ${context} ${state} on ${sha.slice(0, 8)}`, () => {
    const status = statusOf(sha, context);
    return status?.state === state ? status : undefined;
  });

/** Prow's failure summary (pkg/github/report/report.go createComment), by its marker. */
const summaries = () => h!.github.comments(repo, 1).filter((c) => c.includes('<!-- test report -->'));

/** A `pull_request` payload for pull request `number` of the bare repository. */
function pullRequestPayload(action: string, number: number, head: string, author = 'Codertocat') {
  const payload = samplePayload('pull_request', action);
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.html_url = `https://github.com/${repo}/pull/${number}`;
  payload.pull_request.user = { ...payload.pull_request.user, login: author };
  payload.sender = { ...payload.sender, login: author };
  payload.pull_request.head = { ...payload.pull_request.head, sha: head, ref: 'feature' };
  payload.pull_request.base = { ...payload.pull_request.base, sha: git.baseSha, ref: 'main' };
  payload.repository.clone_url = git.bare;
  return payload;
}

async function startUnit(delivery?: string): Promise<JobRecord> {
  const sent = await h!.post('issue_comment', prComment('/test unit', { number: 1 }), delivery);
  expect(sent.status).toBeLessThan(300);
  const trace = await h!.settled(sent.delivery);
  expect(trace.plugins.trigger).toMatchObject({ status: 'ran', reason: 'started unit' });
  return eventually('a unit job', async () => (await jobsOf()).find((j) => j.name === 'unit' && j.requestedBy === 'Codertocat' && j.state !== 'triggered'));
}

describe('CI in local mode, through the webhook, with a real repository and real processes', () => {
  it('/test unit: pending with Prow’s variables and the merged checkout, then success on the head SHA', async () => {
    // Prepare
    h = await harness();
    hold();

    // Act
    const job = await startUnit();

    // Assess: running, its log shows Prow's job environment and the pull request merged onto main.
    expect(job).toMatchObject({ state: 'pending', type: 'presubmit', context: 'unit', refs: { baseSha: git.baseSha, cloneUri: git.bare, pulls: [{ number: 1, sha: git.cleanSha }] } });
    expect(job.url).toBe(`${h.skiff.url}/jobs/${job.id}/log`);
    await statusBecomes(git.cleanSha, 'unit', 'pending');
    const log = await logWith(job, 'started');
    expect(log).toContain('JOB_NAME=unit\n');
    expect(log).toContain('JOB_TYPE=presubmit\n');
    expect(log).toContain('PULL_NUMBER=1\n');
    expect(log).toContain(`PULL_BASE_SHA=${git.baseSha}\n`);
    expect(log).toContain(`PULL_REFS=main:${git.baseSha},1:${git.cleanSha}\n`);
    expect(log).toContain(`PULL_PULL_SHA=${git.cleanSha}\n`);
    expect(log).toContain(`PROW_JOB_ID=${job.id}\n`);
    expect(log).toContain(`BUILD_ID=${job.buildNumber}\n`);
    const spec = JSON.parse(/^JOB_SPEC=(.*)$/m.exec(log)![1]!);
    expect(spec).toMatchObject({ type: 'presubmit', job: 'unit', buildid: job.buildNumber, prowjobid: job.id, refs: { org, repo: name, base_ref: 'main', pulls: [{ number: 1, sha: git.cleanSha }] } });
    // feature.txt is only on the pull request's head: the checkout is main with the pull merged.
    expect(log).toContain('feature.txt=feature\n');
    expect(log).toMatch(new RegExp(`pwd=.*/src/github\\.com/${org}/${name}\\n`));

    // Act: the process exits 0.
    release();

    // Assess
    const done = await record(job.id, (j) => j.state === 'success', 'the job to succeed');
    expect(done.completedAt).toBeDefined();
    const status = await statusBecomes(git.cleanSha, 'unit', 'success');
    expect(status).toMatchObject({ targetUrl: job.url });
    expect(status.description).toMatch(/^Job succeeded\.[\u2001]* BaseSHA:/);
    expect(summaries()).toEqual([]);

    // Without a data directory nothing outlives local mode: the logs go with it.
    expect((await h.skiff.localAgent.serveJobLog(job.id)).status).toBe(200);
    await h.close();
    expect((await h.skiff.localAgent.serveJobLog(job.id)).status).toBe(404);
    h = undefined;
  });

  it('main moved on since the pull request was pushed: /test unit tests the merge onto main’s head now, as Prow’s GetRef reads it', async () => {
    // Prepare: another pull request merged; GitHub's pull request still says the old base.
    h = await harness();
    exitWith(0);
    const head = git.advanceMain('merged elsewhere', { 'moved.txt': 'moved\n' });
    h.github.setBranchSha(repo, 'main', head);

    // Act
    const job = await startUnit();

    // Assess: the record, Prow's variables and the checkout all have the new head.
    expect(job.refs).toMatchObject({ baseRef: 'main', baseSha: head, pulls: [{ number: 1, sha: git.cleanSha }] });
    await statusBecomes(git.cleanSha, 'unit', 'success');
    const log = await logWith(job, 'feature.txt=feature');
    expect(log).toContain(`PULL_BASE_SHA=${head}\n`);
    expect(log).toContain(`PULL_REFS=main:${head},1:${git.cleanSha}\n`);
    expect(log).toContain('moved.txt=moved\n');
    expect(h.github.calls.map((c) => c.text)).toContain(`getRef ${repo} heads/main → 200`);
  });

  it('exit 1: failure status and Prow’s failure summary; /retest runs it again, it passes, and the summary goes', async () => {
    // Prepare
    h = await harness();
    exitWith(1);

    // Act
    const failed = await startUnit();

    // Assess
    await record(failed.id, (j) => j.state === 'failure', 'the job to fail');
    await statusBecomes(git.cleanSha, 'unit', 'failure');
    const [summary] = await eventually('the failure summary', () => (summaries().length ? summaries() : undefined));
    expect(summary).toContain(
      '@Codertocat: The following test **failed**, say `/retest` to rerun all failed tests or `/retest-required` to rerun all mandatory failed tests:\n\n' +
        'Test name | Commit | Details | Required | Rerun command\n--- | --- | --- | --- | ---\n' +
        `unit | ${git.cleanSha} | [link](${failed.url}) | true | \`/test unit\`\n`,
    );
    expect(await logWith(failed, '# process exited with code 1')).toContain('started');

    // Act: the job is fixed; /retest.
    exitWith(0);
    const sent = await h.post('issue_comment', prComment('/retest', { number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess: a second run of the same job, which passes; the summary is deleted.
    expect(trace.plugins.trigger).toMatchObject({ status: 'ran', reason: 'started unit' });
    const rerun = await eventually('the rerun', async () => (await jobsOf()).find((j) => j.id !== failed.id && j.name === 'unit'));
    expect(rerun.labels['prow.k8s.io/retest']).toBe('true');
    await record(rerun.id, (j) => j.state === 'success', 'the rerun to succeed');
    await statusBecomes(git.cleanSha, 'unit', 'success');
    await eventually('the summary to be removed', () => (summaries().length === 0 ? true : undefined));
    expect(h.github.writes().filter((w) => w.startsWith('deleteComment'))).toHaveLength(1);
    expect(runs()).toEqual(['unit', 'unit']);
  });

  it('a new push (synchronize) aborts the running job: aborted, Prow’s description, its process gone; the new head is tested', async () => {
    // Prepare: the job runs until released.
    h = await harness();
    hold();
    const old = await startUnit();
    await logWith(old, 'started');
    const pid = Number(readFileSync(join(control, 'pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).not.toThrow();
    // The push: pull/1/head moves on to a commit on top of it.
    git.git('update-ref', 'refs/pull/1/head', git.secondSha);
    h.github.setPullRequest(repo, 1, { head: { sha: git.secondSha } });

    // Act
    const sent = await h.post('pull_request', pullRequestPayload('synchronize', 1, git.secondSha));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(trace.plugins.trigger).toMatchObject({ status: 'ran', reason: 'aborted unit; synchronize, trusted: started unit' });
    const aborted = await record(old.id, (j) => j.state === 'aborted', 'the old job to be aborted');
    expect(aborted.description).toBe('Aborted by trigger plugin.');
    await eventually('the aborted process to be gone', () => {
      try {
        process.kill(pid, 0);
        return undefined;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code === 'ESRCH' ? true : undefined;
      }
    });
    const abortedStatus = await statusBecomes(git.cleanSha, 'unit', 'failure');
    expect(abortedStatus.description).toMatch(/^Aborted by trigger plugin\./);

    // Act: the new head's run finishes.
    const fresh = await eventually('the new head’s job', async () => (await jobsOf()).find((j) => j.refs?.pulls[0]?.sha === git.secondSha));
    await logWith(fresh, 'started');
    release();

    // Assess: it ran on the new head (second.txt is only there) and passed.
    await record(fresh.id, (j) => j.state === 'success', 'the new head’s job to succeed');
    await statusBecomes(git.secondSha, 'unit', 'success');
    expect(await logWith(fresh, 'feature.txt=feature')).toContain(`PULL_PULL_SHA=${git.secondSha}\n`);
    // The aborted run is not the summary's business (Prow: an aborted job clears its row).
    expect(summaries()).toEqual([]);
  });

  it('a pull request that conflicts with main: the checkout fails, so does the job (as Prow’s clonerefs), and the script never runs', async () => {
    // Prepare: pull/2/head rewrites README.md differently from main.
    h = await harness();
    h.github.setPullRequest(repo, 2, { author: 'Codertocat', head: { sha: git.conflictSha, ref: 'conflict' }, base: { sha: git.baseSha, ref: 'main' } });

    // Act
    const sent = await h.post('issue_comment', prComment('/test unit', { number: 2 }));
    await h.settled(sent.delivery);

    // Assess
    const job = await eventually('the job on #2 to end', async () => (await jobsOf(2)).find((j) => j.state !== 'triggered' && j.state !== 'pending'));
    expect(job.state).toBe('failure');
    expect(job.description).toMatch(/^Clone failed: /);
    await statusBecomes(git.conflictSha, 'unit', 'failure');
    expect(await logWith(job, 'merge')).toMatch(/CONFLICT/);
    expect(runs()).toEqual([]);
  });

  it('a trusted author’s new pull request runs its always_run jobs only', async () => {
    // Prepare
    h = await harness();

    // Act
    const sent = await h.post('pull_request', pullRequestPayload('opened', 1, git.cleanSha));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(trace.plugins.trigger).toMatchObject({ status: 'ran', reason: 'opened by a trusted author: started unit' });
    const [job, ...others] = await jobsOf();
    expect(others).toEqual([]);
    expect(job).toMatchObject({ name: 'unit', requestedBy: 'Codertocat', refs: { cloneUri: git.bare } });
    await record(job!.id, (j) => j.state === 'success', 'unit to succeed');
    await statusBecomes(git.cleanSha, 'unit', 'success');
    expect(statusOf(git.cleanSha, 'manual')).toBeUndefined();
  });

  it('an untrusted author’s new pull request: needs-ok-to-test, Prow’s welcome, and no jobs', async () => {
    // Prepare: mallory has no role and is in no org.
    h = await harness();
    h.github.setPullRequest(repo, 1, { author: 'mallory' });

    // Act
    const sent = await h.post('pull_request', pullRequestPayload('opened', 1, git.cleanSha, 'mallory'));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(trace.plugins.trigger).toMatchObject({ status: 'ran', reason: 'mallory is not trusted: welcomed and labelled needs-ok-to-test' });
    expect(h.github.labelsOf(repo, 1)).toEqual(['needs-ok-to-test']);
    const [welcome, ...more] = h.github.comments(repo, 1);
    expect(more).toEqual([]);
    expect(welcome).toMatch(
      new RegExp(
        '^Hi @mallory\\. Thanks for your PR\\.\n\n' +
          "I'm waiting for a \\[Codertocat\\]\\(https://github\\.com/orgs/Codertocat/people\\) member to verify that this patch is reasonable to test\\. " +
          'If it is, they should reply with `/ok-to-test` on its own line\\. Until that is done, I will not automatically test new commits in this PR, ' +
          'but the usual testing commands by org members will still work\\.\n\n' +
          'Regular contributors should \\[join the org\\]\\(.+\\) to skip this step\\.\n\n' +
          'Once the patch is verified, the new status will be reflected by the `ok-to-test` label\\.\n\n' +
          'I understand the commands that are listed \\[here\\]\\(https://go\\.k8s\\.io/bot-commands\\?repo=Codertocat%2FHello-World\\)\\.',
      ),
    );
    expect(await jobsOf()).toEqual([]);
    expect(h.github.statusesOf(repo, git.cleanSha)).toEqual([]);
  });

  it('a push to main runs the postsubmit at the pushed SHA, and its status goes on that commit', async () => {
    // Prepare
    h = await harness();
    const payload = samplePayload('push');
    payload.ref = 'refs/heads/main';
    payload.before = git.firstSha;
    payload.after = git.baseSha;
    payload.created = false;
    payload.repository.clone_url = git.bare;
    payload.commits = [{ ...(payload.head_commit ?? {}), id: git.baseSha, added: ['base.txt'], removed: [], modified: ['README.md'] }];

    // Act
    const sent = await h.post('push', payload);
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(trace.plugins.trigger).toMatchObject({ status: 'ran', reason: `started post-unit at ${git.baseSha.slice(0, 12)} on main` });
    const [job] = await h.skiff.jobs.store.byName('post-unit');
    expect(job).toMatchObject({ type: 'postsubmit', refs: { baseRef: 'main', baseSha: git.baseSha, pulls: [] } });
    await record(job!.id, (j) => j.state === 'success', 'the postsubmit to succeed');
    await statusBecomes(git.baseSha, 'post-unit', 'success');
    const log = await logWith(job!, 'started');
    expect(log).toContain('JOB_TYPE=postsubmit\n');
    expect(log).toContain(`PULL_BASE_SHA=${git.baseSha}\n`);
    expect(log).toContain('base.txt=base\n');
  });

  it('a periodic with interval 1s: one run per slot however many ticks, the next once the interval has passed', async () => {
    // Prepare
    h = await harness();
    const tick = (ms = 1000) => h!.skiff.jobs.horologium(ms);
    const runsOfTick = () => h!.skiff.jobs.store.byName('tick');

    // Act: two ticks at once, the first ever: one slot.
    const [first, second] = await Promise.all([tick(), tick()]);

    // Assess
    // Whether the second read the store before the first made its run or after, one record.
    expect([first, second].map((d) => d.find((x) => x.name === 'tick')?.trigger)).toContain(true);
    const [run1, ...extra] = await runsOfTick();
    expect(extra).toEqual([]);
    expect(run1).toMatchObject({ type: 'periodic', requestedBy: 'horologium' });
    expect(run1!.refs).toBeUndefined();
    // A tick right behind them is in the same slot: nothing new.
    const third = (await tick()).find((x) => x.name === 'tick')!;
    expect(third.trigger).toBe(false);
    expect(['the last run is unfinished', 'interval has not passed since the last run started']).toContain(third.why);
    await record(run1!.id, (j) => j.state === 'success', 'the first periodic run to succeed');

    // Act: ticks until the interval has passed since the first run started.
    const decisions = await eventually('a second periodic run', async () => {
      const d = (await tick()).find((x) => x.name === 'tick')!;
      if (d.trigger) return d;
      expect(d.why).toBe('interval has not passed since the last run started');
      return undefined;
    });

    // Assess: a second run, no third; it started no sooner than the interval allows.
    expect(decisions.why).toBe('interval passed since the last run started');
    const all = await runsOfTick();
    expect(all).toHaveLength(2);
    expect(Date.parse(all[0]!.createdAt) - Date.parse(run1!.createdAt)).toBeGreaterThan(1000);
    await record(all[0]!.id, (j) => j.state === 'success', 'the second periodic run to succeed');
    expect(readFileSync(join(control, 'ticks'), 'utf8')).toBe('tick\ntick\n');
    // Periodics report nowhere.
    expect(h.github.writes().filter((w) => w.startsWith('createStatus'))).toEqual([]);
  });

  it('the same /test comment delivered twice starts the job once', async () => {
    // Prepare
    h = await harness();
    hold();
    const payload = prComment('/test unit', { number: 1 });

    // Act: GitHub's redelivery carries the same delivery id.
    const first = await h.post('issue_comment', payload);
    await h.settled(first.delivery);
    const again = await h.post('issue_comment', payload, first.delivery);
    expect(again.status).toBeLessThan(300);
    // The redelivery is a second attempt of the same delivery; trigger's claim on it is done already.
    await h.settled(first.delivery, 'processed', (trace) => trace.attempts >= 2);
    const [job, ...more] = await jobsOf();
    await logWith(job!, 'started');
    release();
    await record(job!.id, (j) => j.state === 'success', 'the job to succeed');

    // Assess
    expect(more).toEqual([]);
    expect(runs()).toEqual(['unit']);
    // One run, so one final status (the pending ones depend on how soon crier saw each state).
    await statusBecomes(git.cleanSha, 'unit', 'success');
    expect(h.github.writes().filter((w) => /^createStatus \S+ unit success /.test(w))).toHaveLength(1);
  });
});

// A real job definition: knative's `pull-knative-infra-label-sync` presubmit, as its file has it
// (agent kubernetes, decorate, path_alias, cluster, branches, run_if_changed, volumes, the image),
// pointed at the harness repository. Only its command and args are replaced, with a harmless
// `sh -c`: the real ones run label_sync against GitHub with a token mounted from a Kubernetes
// secret, which neither exists nor may be reached here.
describe('a real Prow presubmit from the fixtures (knative label-sync)', () => {
  const fixture = parse(readFileSync(new URL('../fixtures/prow-configs/knative/jobs/custom/label-sync.yaml', import.meta.url), 'utf8')) as {
    presubmits: Record<string, Record<string, unknown>[]>;
  };
  const jobName = 'pull-knative-infra-label-sync';

  function knativeConfig(): string {
    const job = structuredClone(fixture.presubmits['knative/community']!.find((j) => j.name === jobName)!) as {
      spec: { containers: { command?: string[]; args?: string[] }[] };
    } & Record<string, unknown>;
    const [c] = job.spec.containers;
    c!.command = ['sh', '-c', jobScript(control)];
    delete c!.args;
    return stringify({ plugins: { [repo]: { plugins: ['trigger'] } }, presubmits: { [repo]: [job] } });
  }

  it('keeps what the fixture says: run_if_changed, branches, path_alias, the kubernetes agent', () => {
    const job = fixture.presubmits['knative/community']!.find((j) => j.name === jobName)!;
    expect(job).toMatchObject({ agent: 'kubernetes', run_if_changed: '^label_sync/labels.yaml$', branches: ['main'], path_alias: 'knative.dev/community' });
  });

  it('runs as in Prow: not for a pull request that leaves label_sync/labels.yaml alone, on the local agent for one that changes it', async () => {
    // Prepare
    h = await harness(knativeConfig());
    h.github.setChanges(repo, 1, [{ filename: 'README.md', additions: 1, deletions: 0 }]);
    h.github.setPullRequest(repo, 3, { author: 'Codertocat', head: { sha: git.secondSha, ref: 'more' }, base: { sha: git.baseSha, ref: 'main' } });
    h.github.setChanges(repo, 3, [{ filename: 'label_sync/labels.yaml', additions: 3, deletions: 1 }]);

    // Act
    const untouched = await h.settled((await h.post('pull_request', pullRequestPayload('opened', 1, git.cleanSha))).delivery);
    const touched = await h.settled((await h.post('pull_request', pullRequestPayload('opened', 3, git.secondSha))).delivery);

    // Assess
    expect(untouched.plugins.trigger).toMatchObject({ status: 'ran', reason: 'opened by a trusted author: no job should run' });
    expect(await jobsOf(1)).toEqual([]);
    expect(touched.plugins.trigger).toMatchObject({ status: 'ran', reason: `opened by a trusted author: started ${jobName}` });
    const [job] = await jobsOf(3);
    // Prow's kubernetes agent is CodeBuild here; local mode runs it on the local agent.
    expect(job).toMatchObject({ name: jobName, agent: 'codebuild', context: jobName, rerunCommand: `/test ${jobName}` });
    await record(job!.id, (j) => j.state === 'success', 'the knative job to succeed');
    await statusBecomes(git.secondSha, jobName, 'success');
    const log = await logWith(job!, 'started');
    expect(log).toContain(`JOB_NAME=${jobName}\n`);
    // path_alias: checked out under GOPATH at knative.dev/community, and run there.
    expect(log).toMatch(/pwd=.*\/src\/knative\.dev\/community\n/);
    // The image is noted, not pulled.
    expect(log).toMatch(/^# image us-docker\.pkg\.dev\/k8s-infra-prow\/images\/label_sync:v20240405-c76de01869 noted, not pulled/);
  });
});

// Real postsubmit and periodic definitions, as their files have them (names, branches,
// run_if_changed, path_alias, interval, labels, cluster, resources, images), pointed at the harness
// repository. Only command and args are replaced with a harmless `sh -c`: knative's postsubmit
// runs label_sync against GitHub with a mounted secret, and kubernetes' periodic brings up a GCE
// cluster; neither may run here.
describe('a real Prow postsubmit and periodic from the fixtures', () => {
  const knative = parse(readFileSync(new URL('../fixtures/prow-configs/knative/jobs/custom/label-sync.yaml', import.meta.url), 'utf8')) as {
    postsubmits: Record<string, Record<string, unknown>[]>;
  };
  const sigCli = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/jobs/kubernetes/sig-cli/sig-cli-config.yaml', import.meta.url), 'utf8')) as {
    periodics: Record<string, unknown>[];
  };
  const postName = 'post-knative-infra-label-sync';
  const periodicName = 'ci-kubernetes-e2e-gce-gci-serial-sig-cli';

  /** The job as written, with only its command and args replaced. */
  function harmless<T extends Record<string, unknown>>(job: T, script: string): T {
    const copy = structuredClone(job) as T & { spec: { containers: { command?: string[]; args?: string[] }[] } };
    copy.spec.containers[0]!.command = ['sh', '-c', script];
    delete copy.spec.containers[0]!.args;
    return copy;
  }

  function realConfig(): string {
    const post = harmless(knative.postsubmits['knative/community']!.find((j) => j.name === postName)!, jobScript(control));
    const periodic = harmless(sigCli.periodics.find((j) => j.name === periodicName)!, `echo "$JOB_NAME $JOB_TYPE" >> '${control}/periodic'`);
    return stringify({ plugins: { [repo]: { plugins: ['trigger'] } }, postsubmits: { [repo]: [post] }, periodics: [periodic] });
  }

  function push(changed: string[]) {
    const payload = samplePayload('push');
    payload.ref = 'refs/heads/main';
    payload.before = git.firstSha;
    payload.after = git.baseSha;
    payload.created = false;
    payload.deleted = false;
    payload.repository.clone_url = git.bare;
    payload.commits = [{ ...(payload.head_commit ?? {}), id: git.baseSha, added: [], removed: [], modified: changed }];
    return payload;
  }

  it('keeps what the fixtures say', () => {
    expect(knative.postsubmits['knative/community']!.find((j) => j.name === postName)).toMatchObject({
      agent: 'kubernetes',
      run_if_changed: '^label_sync/labels.yaml$',
      branches: ['main'],
      path_alias: 'knative.dev/community',
      max_concurrency: 1,
    });
    expect(sigCli.periodics.find((j) => j.name === periodicName)).toMatchObject({ interval: '12h', cluster: 'k8s-infra-prow-build', decorate: true });
  });

  it('the postsubmit runs for a push that changes label_sync/labels.yaml, not for one that does not, on the local agent under its path_alias', async () => {
    // Prepare
    h = await harness(realConfig());

    // Act
    const untouched = await h.settled((await h.post('push', push(['README.md']))).delivery);
    const touched = await h.settled((await h.post('push', push(['label_sync/labels.yaml']))).delivery);

    // Assess
    expect(untouched.plugins.trigger).toMatchObject({ status: 'skipped', reason: 'no postsubmit matches main and the changed files' });
    expect(touched.plugins.trigger).toMatchObject({ status: 'ran', reason: `started ${postName} at ${git.baseSha.slice(0, 12)} on main` });
    const runsOfPost = await h.skiff.jobs.store.byName(postName);
    expect(runsOfPost).toHaveLength(1);
    const [job] = runsOfPost;
    expect(job).toMatchObject({ type: 'postsubmit', agent: 'codebuild', context: postName, maxConcurrency: 1, refs: { baseRef: 'main', baseSha: git.baseSha, pathAlias: 'knative.dev/community' } });
    await record(job!.id, (j) => j.state === 'success', 'the knative postsubmit to succeed');
    await statusBecomes(git.baseSha, postName, 'success');
    const log = await logWith(job!, 'started');
    expect(log).toContain('JOB_TYPE=postsubmit\n');
    expect(log).toMatch(/pwd=.*\/src\/knative\.dev\/community\n/);
  });

  it('the periodic (interval 12h) runs at the first tick, as Prow runs one with no previous run, and not again within its interval', async () => {
    // Prepare
    h = await harness(realConfig());

    // Act
    const first = (await h.skiff.jobs.horologium(60_000)).find((d) => d.name === periodicName);
    const [run] = await eventually('the periodic run', async () => {
      const all = await h!.skiff.jobs.store.byName(periodicName);
      return all.length ? all : undefined;
    });
    const done = await record(run!.id, (j) => j.state === 'success', 'the periodic to succeed');
    const second = (await h.skiff.jobs.horologium(60_000)).find((d) => d.name === periodicName);

    // Assess
    expect(first).toMatchObject({ trigger: true, why: 'no previous run' });
    expect(second).toMatchObject({ trigger: false, why: 'interval has not passed since the last run started' });
    expect(await h.skiff.jobs.store.byName(periodicName)).toHaveLength(1);
    // Its labels and its 8h40m timeout came with it; a periodic reports no status.
    expect(done).toMatchObject({ type: 'periodic', labels: { 'preset-k8s-ssh': 'true', 'preset-service-account': 'true' }, run: { timeoutSeconds: 8 * 3600 + 40 * 60 } });
    expect(readFileSync(join(control, 'periodic'), 'utf8')).toBe(`${periodicName} periodic\n`);
    expect(h.github.writes().filter((w) => w.startsWith('createStatus'))).toEqual([]);
  });
});

describe('skip and override on job statuses, through the webhook', () => {
  function config(): string {
    const parsed = parse(jobsConfig(control)) as { plugins: Record<string, { plugins: string[] }>; presubmits: Record<string, Record<string, unknown>[]> };
    parsed.plugins[repo]!.plugins.push('skip', 'override');
    parsed.presubmits[repo]!.push({ name: 'lint', optional: true, ...container(jobScript(control)) });
    return stringify(parsed);
  }

  it('/skip turns a failed optional job green; /override by an admin turns a failed required one green and records it as passed', async () => {
    // Prepare: both jobs fail.
    h = await harness(config());
    h.github.setRole(repo, 'Codertocat', 'admin');
    exitWith(1);
    const sent = await h.post('issue_comment', prComment('/test unit\n/test lint', { number: 1 }));
    await h.settled(sent.delivery);
    await statusBecomes(git.cleanSha, 'unit', 'failure');
    await statusBecomes(git.cleanSha, 'lint', 'failure');

    // Act
    const skipped = await h.settled((await h.post('issue_comment', prComment('/skip', { number: 1 }))).delivery);
    const overridden = await h.settled((await h.post('issue_comment', prComment('/override unit', { number: 1 }))).delivery);

    // Assess: lint is optional, so /skip may skip it; unit is required, so only /override turns it green.
    expect(skipped.plugins.skip?.status).toBe('ran');
    expect(statusOf(git.cleanSha, 'lint')).toMatchObject({ state: 'success', description: 'Skipped' });
    expect(overridden.plugins.override?.status).toBe('ran');
    expect(statusOf(git.cleanSha, 'unit')).toMatchObject({ state: 'success' });
    expect(statusOf(git.cleanSha, 'unit')?.description).toMatch(/^Overridden by Codertocat/);
    const unitRuns = (await jobsOf()).filter((j) => j.name === 'unit');
    expect(unitRuns.map((j) => j.state).sort()).toEqual(['failure', 'success']);
    expect(h.github.comments(repo, 1).some((c) => c.includes('Overrode contexts on behalf of Codertocat: unit'))).toBe(true);
  });
});
