// label through the whole pipeline: signed real payloads → local mode → the real Octokit → the
// fake GitHub server, configured with kubernetes' own `label:` section (its additional_labels,
// and the restricted labels of kubernetes/kubernetes pointed at the harness repository). Covers
// several commands in one comment with one missing label, the last kind label giving way to
// needs-kind, a restricted label refused and allowed, triage/accepted, and assign_on from a
// pull_request `labeled` event.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  label: { additional_labels: string[]; restricted_labels: Record<string, unknown[]> };
};

/** kubernetes' label section with `kubernetes/kubernetes`'s restricted labels on the harness repository. */
function kubernetesConfig(extra: Record<string, unknown[]> = {}): string {
  const { 'kubernetes/kubernetes': ours, ...others } = kubernetes.label.restricted_labels;
  const label = { ...kubernetes.label, restricted_labels: { ...others, [repo]: [...(ours ?? []), ...(extra[repo] ?? [])] } };
  return stringify({ plugins: { [repo]: { plugins: ['label'] } }, label });
}

const [owner] = repo.split('/') as [string];

/** The payload with `issue.labels` as GitHub would send them: the issue's labels when the comment was made. */
function withLabels<P extends ReturnType<typeof prComment>>(payload: P, labels: readonly string[]): P {
  const template = payload.issue.labels[0];
  payload.issue.labels = labels.map((name, i) => ({ ...template!, id: 1000 + i, name, default: false }));
  return payload;
}

/** The fake GitHub's route name of each call made so far (`listRepoLabels`, `addLabels`…). */
const routes = (harness: Harness) => harness.github.calls.map((c) => c.text.split(' ')[0] ?? c.text);

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(config = kubernetesConfig()): Promise<Harness> {
  const started = await startHarness({ config });
  const gh = started.github;
  gh.setPullRequest(repo, 1, { author: 'Codertocat' });
  gh.setRepoLabels(repo, ['kind/bug', 'kind/cleanup', 'needs-kind', 'area/api', 'area/infra', 'api-review', 'official-cve-feed', 'triage/accepted']);
  gh.setOrgMembers(owner, ['alice']);
  gh.setTeam(owner, { name: 'security-response-committee', slug: 'security-response-committee', members: ['src-member'] });
  return started;
}

describe('label through the pipeline, with the kubernetes label section', () => {
  it('several commands in one comment: the labels that exist are added, one reply names the one that does not', async () => {
    // Prepare
    h = await harness();

    // Act
    const sent = await h.post('issue_comment', prComment('/kind bug\n/area api nope\n/label api-review', { login: 'mallory', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 1).sort()).toEqual(['api-review', 'area/api', 'kind/bug']);
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^@mallory: The label\(s\) `area\/nope` cannot be applied, because the repository doesn't have them\. Its `area\/\*` labels are: `area\/api`, `area\/infra`\./);
    expect(trace.plugins.label).toMatchObject({ status: 'ran', reason: 'added kind/bug, area/api, api-review; not in the repository: area/nope (replied)' });
  });

  it('removing the last kind label adds needs-kind, with one write each and no read of the issue', async () => {
    // Prepare
    h = await harness();
    h.github.setLabels(repo, 1, ['kind/bug', 'area/api']);

    // Act
    const sent = await h.post('issue_comment', withLabels(prComment('/remove-kind bug', { login: 'mallory', number: 1 }), ['kind/bug', 'area/api']));
    await h.settled(sent.delivery);

    // Assess: the remove first (Prow adds needs-kind first): its answer says no kind label is left.
    expect(h.github.writes()).toEqual([`removeLabel ${repo}#1 kind/bug`, `addLabel ${repo}#1 needs-kind`]);
    expect(h.github.labelsOf(repo, 1).sort()).toEqual(['area/api', 'needs-kind']);
    expect(routes(h).filter((r) => r === 'listLabels')).toEqual([]);
  });

  it("reads the repository's labels once for two commands in one container, and the issue's labels never (the payload has them)", async () => {
    // Prepare
    h = await harness();
    h.github.setPullRequest(repo, 2, { author: 'Codertocat' });

    // Act
    const first = await h.post('issue_comment', withLabels(prComment('/kind bug', { login: 'mallory', number: 1 }), []));
    await h.settled(first.delivery);
    const second = await h.post('issue_comment', withLabels(prComment('/kind bug', { login: 'mallory', number: 2 }), ['area/api']));
    await h.settled(second.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 1)).toEqual(['kind/bug']);
    expect(h.github.labelsOf(repo, 2)).toEqual(['kind/bug']);
    const labelCalls = routes(h).filter((r) => /labels?$/i.test(r) || r.startsWith('addLabel'));
    expect(labelCalls).toEqual(['listRepoLabels', 'addLabels', 'addLabels']);
  });

  it('a label created after the container cached the list is found: one revalidating read before a refusal', async () => {
    // Prepare: the first command caches the repository's labels; then kind/feature is created.
    h = await harness();
    const first = await h.post('issue_comment', withLabels(prComment('/kind bug', { login: 'mallory', number: 1 }), []));
    await h.settled(first.delivery);
    h.github.setRepoLabels(repo, ['kind/bug', 'kind/feature', 'needs-kind']);
    h.github.resetCalls();

    // Act
    const sent = await h.post('issue_comment', withLabels(prComment('/kind feature', { login: 'mallory', number: 1 }), ['kind/bug']));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.labelsOf(repo, 1).sort()).toEqual(['kind/bug', 'kind/feature']);
    expect(h.github.comments(repo, 1)).toEqual([]);
    expect(h.github.calls.filter((c) => c.text.startsWith('listRepoLabels')).map((c) => c.status)).toEqual([200]);
    expect(trace.plugins.label).toMatchObject({ status: 'ran', reason: 'added kind/feature' });
  });

  it("a label webhook (a repository label created) makes the container read the repository's labels afresh", async () => {
    // Prepare: the first command caches the list; then kind/feature is created, and GitHub says so.
    h = await harness();
    const first = await h.post('issue_comment', withLabels(prComment('/kind bug', { login: 'mallory', number: 1 }), []));
    await h.settled(first.delivery);
    h.github.setRepoLabels(repo, ['kind/bug', 'kind/feature', 'needs-kind']);
    const created = samplePayload('label', 'created');
    created.label = { ...created.label, name: 'kind/feature' };
    const labelEvent = await h.post('label', created);
    await h.settled(labelEvent.delivery);
    h.github.resetCalls();

    // Act
    const sent = await h.post('issue_comment', withLabels(prComment('/kind feature', { login: 'mallory', number: 1 }), ['kind/bug']));
    const trace = await h.settled(sent.delivery);

    // Assess: one plain read of the list (no revalidation needed), then the add.
    expect(h.github.labelsOf(repo, 1).sort()).toEqual(['kind/bug', 'kind/feature']);
    expect(routes(h).filter((r) => r === 'listRepoLabels' || r === 'addLabels')).toEqual(['listRepoLabels', 'addLabels']);
    expect(JSON.stringify(trace.plugins.label)).not.toContain('asking GitHub again');
  });

  it("a restricted label is refused in Prow's words for someone outside its team, and set by a member", async () => {
    // Prepare
    h = await harness();

    // Act
    const refused = await h.post('issue_comment', prComment('/label official-cve-feed', { login: 'mallory', number: 1 }));
    const refusedTrace = await h.settled(refused.delivery);
    const allowed = await h.post('issue_comment', prComment('/label official-cve-feed', { login: 'src-member', number: 1 }));
    await h.settled(allowed.delivery);

    // Assess
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(
      /^@mallory: The label\(s\) `official-cve-feed` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user\. Must be a member of one of these teams: security-response-committee, or be one of these users: pushkarj/,
    );
    expect(refusedTrace.plugins.label).toMatchObject({ status: 'refused' });
    expect(h.github.labelsOf(repo, 1)).toEqual(['official-cve-feed']);
  });

  it('triage/accepted takes an org member', async () => {
    // Prepare
    h = await harness();

    // Act
    const refused = await h.post('issue_comment', prComment('/triage accepted', { login: 'mallory', number: 1 }));
    const trace = await h.settled(refused.delivery);
    const allowed = await h.post('issue_comment', prComment('/triage accepted', { login: 'alice', number: 1 }));
    await h.settled(allowed.delivery);

    // Assess
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^@mallory: The label `triage\/accepted` cannot be applied\. Only GitHub organization members can add the label\./);
    expect(trace.plugins.label).toMatchObject({ status: 'refused', checks: [`member mallory of ${owner}: no`] });
    expect(h.github.labelsOf(repo, 1)).toEqual(['triage/accepted']);
  });

  it("adding an assign_on label to a pull request assigns the restricted label's users", async () => {
    // Prepare
    const config = kubernetesConfig({ [repo]: [{ label: 'approved-for-release', allowed_users: ['rel-lead'], assign_on: [{ label: 'needs-release-approval' }] }] });
    h = await harness(config);
    h.github.setRole(repo, 'rel-lead', 'write');
    const payload = samplePayload('pull_request', 'labeled');
    payload.label = { ...payload.label, name: 'needs-release-approval' };

    // Act
    const sent = await h.post('pull_request', payload);
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addAssignees ${repo}#${payload.pull_request.number} [rel-lead]`]);
    expect(trace.plugins.label).toMatchObject({ status: 'ran' });
  });
});
