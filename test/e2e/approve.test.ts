// approve through the whole pipeline: signed real payloads → local mode → the real Octokit → the
// fake GitHub server, with OWNERS files at the pull request's base commit and kubernetes' own
// `approve:` section (the entry of kubernetes/kubernetes, pointed at the harness repository; the
// kubernetes/utils entry where /lgtm acts as approval). One notification is kept and edited over
// every event; the `approved` label follows the OWNERS.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  approve: { repos: string[] }[];
};

/** kubernetes' approve section with `renamed` pointed at the harness repository. */
function kubernetesConfig(renamed: string): string {
  const approve = kubernetes.approve.map((entry) => ({ ...entry, repos: entry.repos.map((r) => (r === renamed ? repo : r)) }));
  return stringify({ plugins: { [repo]: { plugins: ['approve'] } }, approve });
}

const base = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const number = 1;
const ref = `${repo}#${number}`;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Pull request #1 by Codertocat changing docs/ (alice approves) and src/ (bob approves), OWNERS at its base. */
async function harness(renamed: string): Promise<Harness> {
  const started = await startHarness({ config: kubernetesConfig(renamed) });
  const gh = started.github;
  gh.setFile(repo, base, 'OWNERS', 'approvers:\n- root-approver\n');
  gh.setFile(repo, base, 'docs/OWNERS', 'approvers:\n- alice\n');
  gh.setFile(repo, base, 'src/OWNERS', 'approvers:\n- bob\nreviewers:\n- carol\n');
  // Only collaborators among the OWNERS approve (kubernetes does not skip_collaborators).
  for (const login of ['root-approver', 'alice', 'bob', 'carol']) gh.setRole(repo, login, 'write');
  gh.setPullRequest(repo, number, { author: 'Codertocat', base: { sha: base } });
  gh.setChanges(repo, number, [
    { filename: 'docs/guide.md', additions: 3, deletions: 1 },
    { filename: 'src/main.go', additions: 10, deletions: 2 },
  ]);
  return started;
}

function pullRequest(action: 'opened' | 'synchronize') {
  const payload = samplePayload('pull_request', action);
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.body = 'Improves the guide.';
  return payload;
}

function approvingReview(login: string) {
  const payload = samplePayload('pull_request_review', 'submitted');
  payload.review.state = 'approved';
  payload.review.body = null;
  payload.review.user = { ...payload.review.user, login };
  payload.pull_request.number = number;
  return payload;
}

/** Posts the event and waits until it is processed; returns approve's record. */
async function send(event: string, payload: unknown) {
  const sent = await h!.post(event, payload);
  const trace = await h!.settled(sent.delivery);
  return trace.plugins.approve;
}

const notifications = () => h!.github.commentsOf(repo, number).filter((c) => c.user === 'skiff-bot' && c.body.startsWith('[APPROVALNOTIFIER]'));
const title = () => notifications().map((c) => c.body.split('\n')[0]);

describe('approve through the pipeline, with the kubernetes approve section', () => {
  it('opened, /approve, an approving review, a push, /approve cancel: one notification, edited, and the label follows', async () => {
    // Prepare
    h = await harness('kubernetes/kubernetes');

    // Act / Assess: opened — nobody has approved; both OWNERS files are listed.
    const opened = await send('pull_request', pullRequest('opened'));
    expect(opened).toMatchObject({ status: 'ran' });
    expect(title()).toEqual(['[APPROVALNOTIFIER] This PR is **NOT APPROVED**']);
    const [notification] = notifications();
    expect(notification!.body).toContain(`- **[docs/OWNERS](https://github.com/${repo}/blob/main/docs/OWNERS)**`);
    expect(notification!.body).toContain(`- **[src/OWNERS](https://github.com/${repo}/blob/main/src/OWNERS)**`);
    expect(notification!.body).toContain('<!-- META={"approvers":["alice","bob"]} -->');

    // /approve by alice: docs/ approved, src/ not yet.
    h.github.addComment(repo, number, { user: 'alice', body: '/approve' });
    await send('issue_comment', prComment('/approve', { login: 'alice', number }));
    expect(title()).toEqual(['[APPROVALNOTIFIER] This PR is **NOT APPROVED**']);
    expect(notifications()[0]!.body).toContain(`- ~~[docs/OWNERS](https://github.com/${repo}/blob/main/docs/OWNERS)~~ [alice]`);

    // bob's approving review (review state counts in kubernetes' config): approved. Codertocat, the
    // author, approves implicitly (require_self_approval: false) but owns no file.
    h.github.addReview(repo, number, { user: 'bob', state: 'APPROVED' });
    const reviewed = await send('pull_request_review', approvingReview('bob'));
    expect(title()).toEqual(['[APPROVALNOTIFIER] This PR is **APPROVED**']);
    expect(h.github.labelsOf(repo, number)).toEqual(['approved']);
    expect(reviewed).toMatchObject({ status: 'ran', reason: expect.stringMatching(/^APPROVED; approved by Codertocat, alice, bob; notification edited, approved added$/) });

    // A push changes nothing: no write (the bot's login is not resolved for pushes; its
    // notification is still recognised).
    const pushed = await send('pull_request', pullRequest('synchronize'));
    expect(pushed).toMatchObject({ status: 'ran', reason: expect.stringContaining('already up to date'), writes: [] });

    // alice cancels: not approved, label off.
    h.github.addComment(repo, number, { user: 'alice', body: '/approve cancel' });
    await send('issue_comment', prComment('/approve cancel', { login: 'alice', number }));

    // Assess
    expect(title()).toEqual(['[APPROVALNOTIFIER] This PR is **NOT APPROVED**']);
    expect(notifications()[0]!.id).toBe(notification!.id);
    expect(h.github.labelsOf(repo, number)).toEqual([]);
    const edit = `editComment ${repo} ${notification!.id}`;
    expect(h.github.writes().map((w) => w.split(' ').slice(0, 3).join(' '))).toEqual([
      `createComment ${ref} [APPROVALNOTIFIER]`,
      edit,
      edit,
      `addLabel ${ref} approved`,
      edit,
      `removeLabel ${ref} approved`,
    ]);
  });

  it('/lgtm acts as approval where kubernetes says so (the kubernetes/utils entry)', async () => {
    // Prepare: root-approver can approve everything.
    h = await harness('kubernetes/utils');

    // Act
    h.github.addComment(repo, number, { user: 'root-approver', body: '/lgtm' });
    const record = await send('issue_comment', prComment('/lgtm', { login: 'root-approver', number }));

    // Assess
    expect(record).toMatchObject({ status: 'ran' });
    expect(h.github.labelsOf(repo, number)).toEqual(['approved']);
    expect(notifications()[0]!.body).toContain('*<a href="https://github.com/Codertocat/Hello-World/issues/1#issuecomment-');
    expect(notifications()[0]!.body).toContain('title="LGTM">root-approver</a>*');
    expect(notifications()).toHaveLength(1);
  });
});
