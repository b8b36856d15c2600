// lgtm through the whole pipeline: signed real payloads → local mode → the real Octokit → the
// fake GitHub server, configured with kubernetes' own `lgtm:` section (the entry of
// kubernetes-sigs/controller-runtime, which has review_acts_as_lgtm and store_tree_hash, pointed at
// the harness repository). Covers the comment path, the review path, and pushes with and without a
// change to the tree.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { removedNotice, treeHashNotice } from '../../shared/plugins/lgtm/index.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  lgtm: { repos: string[] }[];
};

/** kubernetes' lgtm section with `kubernetes-sigs/controller-runtime` renamed to the harness repository. */
function kubernetesConfig(): string {
  const lgtm = kubernetes.lgtm.map((entry) => ({ ...entry, repos: entry.repos.map((r) => (r === 'kubernetes-sigs/controller-runtime' ? repo : r)) }));
  return stringify({ plugins: { [repo]: { plugins: ['lgtm'] } }, lgtm });
}

const head = '0bd3ed50c88cd53a09316bf7a298f900e9371652';
const squashed = '1111111111111111111111111111111111111111';
const changed = '2222222222222222222222222222222222222222';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Pull request `number` by Codertocat, with the same files at `head` and `squashed`, other files at `changed`. */
async function harness(number: number): Promise<Harness> {
  const started = await startHarness({ config: kubernetesConfig() });
  const gh = started.github;
  gh.setPullRequest(repo, number, { author: 'Codertocat', head: { sha: head } });
  gh.setRole(repo, 'alice', 'write');
  gh.setRole(repo, 'bob', 'write');
  gh.setAssignees(repo, number, ['bob']);
  for (const sha of [head, squashed]) gh.setFile(repo, sha, 'README.md', 'Hello World\n');
  gh.setFile(repo, changed, 'README.md', 'Hello, World!\n');
  return started;
}

/** The tree SHA of `head`, as GitHub (here, the fake) computes it. */
async function treeOf(gh: Harness['github'], sha: string): Promise<string> {
  const response = await fetch(`${gh.url}/repos/${repo}/git/trees/${sha}`, { headers: { authorization: 'token e2e-token' } });
  return ((await response.json()) as { sha: string }).sha;
}

function synchronize(number: number, sha: string) {
  const payload = samplePayload('pull_request', 'synchronize');
  payload.number = number;
  payload.pull_request.number = number;
  payload.pull_request.head.sha = sha;
  payload.pull_request.assignees = [{ ...payload.pull_request.user, login: 'bob' }];
  return payload;
}

describe('lgtm through the pipeline, with the kubernetes lgtm section', () => {
  it('/lgtm by a collaborator assigns them, adds the label and stores the tree hash', async () => {
    // Prepare
    h = await harness(1);
    const tree = await treeOf(h.github, head);

    // Act
    const sent = await h.post('issue_comment', prComment('/lgtm', { login: 'alice', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addAssignees ${repo}#1 [alice]`, `createComment ${repo}#1 ${treeHashNotice(tree)}`, `addLabel ${repo}#1 lgtm`]);
    expect(h.github.labelsOf(repo, 1)).toEqual(['lgtm']);
    expect(trace.plugins.lgtm).toMatchObject({ status: 'ran', reason: `/lgtm by alice: lgtm added, tree ${tree} stored` });
  });

  it("the author's /lgtm gets Prow's reply, with who can instead", async () => {
    // Prepare
    h = await harness(1);

    // Act
    const sent = await h.post('issue_comment', prComment('/lgtm', { login: 'Codertocat', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    const [reply] = h.github.comments(repo, 1);
    expect(reply).toMatch(/^@Codertocat: you cannot LGTM your own PR\. LGTM is a second pair of eyes: a collaborator on Codertocat\/Hello-World/);
    expect(h.github.labelsOf(repo, 1)).toEqual([]);
    expect(trace.plugins.lgtm).toMatchObject({ status: 'refused' });
  });

  it("a non-collaborator's /lgtm: one reply saying who can, and the trace says why (GET /api/deliveries/{id})", async () => {
    // Prepare: mallory has no role on the repository; GitHub reports read on a public one.
    h = await harness(1);

    // Act
    const sent = await h.post('issue_comment', prComment('/lgtm', { login: 'mallory', number: 1 }));
    await h.settled(sent.delivery);
    const trace = (await (await fetch(`${h.skiff.url}/api/deliveries/${sent.delivery}`)).json()) as Awaited<ReturnType<Harness['settled']>>;

    // Assess
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^@mallory: changing LGTM is restricted to collaborators\. You are not a collaborator on Codertocat\/Hello-World/);
    expect(h.github.labelsOf(repo, 1)).toEqual([]);
    expect(trace.plugins.lgtm).toMatchObject({ status: 'refused', checks: [`collaborator mallory on ${repo}: no (role read)`] });
  });

  it('an approving review adds LGTM once, even with /lgtm in its body', async () => {
    // Prepare: the example review is on pull request #2.
    h = await harness(2);
    const tree = await treeOf(h.github, head);
    const payload = samplePayload('pull_request_review', 'submitted');
    payload.review.state = 'approved';
    payload.review.body = 'Nice.\n/lgtm';
    payload.review.user = { ...payload.review.user, login: 'bob' };
    payload.pull_request.assignees = [{ ...payload.review.user, login: 'bob' }];

    // Act
    const sent = await h.post('pull_request_review', payload);
    const trace = await h.settled(sent.delivery);

    // Assess: bob was assigned already; the body acted, the approval stood aside.
    expect(h.github.writes()).toEqual([`createComment ${repo}#2 ${treeHashNotice(tree)}`, `addLabel ${repo}#2 lgtm`]);
    expect(trace.plugins.lgtm).toMatchObject({ status: 'ran', reason: `/lgtm by bob: lgtm added, tree ${tree} stored` });
  });

  it('a push that changes the tree removes LGTM, re-requests review and says why', async () => {
    // Prepare
    h = await harness(2);
    const lgtm = await h.post('issue_comment', prComment('/lgtm', { login: 'bob', number: 2 }));
    await h.settled(lgtm.delivery);
    h.github.resetCalls();

    // Act
    const sent = await h.post('pull_request', synchronize(2, changed));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`requestReviewers ${repo}#2 [bob]`, `createComment ${repo}#2 ${removedNotice}`, `removeLabel ${repo}#2 lgtm`]);
    expect(h.github.labelsOf(repo, 2)).toEqual([]);
    expect(trace.plugins.lgtm).toMatchObject({ status: 'ran', reason: `lgtm removed: new commits (head ${changed})` });

    // Act again: LGTM given anew deletes the notice.
    const again = await h.post('issue_comment', prComment('/lgtm', { login: 'bob', number: 2 }));
    await h.settled(again.delivery);

    // Assess
    expect(h.github.comments(repo, 2).filter((c) => c === removedNotice)).toEqual([]);
    expect(h.github.labelsOf(repo, 2)).toEqual(['lgtm']);
  });

  // The plugin knows its own tree-hash comment by the bot login, which dispatch resolves for
  // pull_request events too.
  it('a push with the same tree (a squash) keeps LGTM', async () => {
    // Prepare
    h = await harness(2);
    const lgtm = await h.post('issue_comment', prComment('/lgtm', { login: 'bob', number: 2 }));
    await h.settled(lgtm.delivery);
    h.github.resetCalls();

    // Act
    const sent = await h.post('pull_request', synchronize(2, squashed));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([]);
    expect(h.github.labelsOf(repo, 2)).toEqual(['lgtm']);
    expect(trace.plugins.lgtm).toMatchObject({ status: 'ran', reason: `lgtm kept: the tree is still ${await treeOf(h.github, squashed)}` });
  });
});
