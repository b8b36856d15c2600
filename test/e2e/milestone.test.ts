// milestone through the whole pipeline: signed real issue_comment payloads → local mode → the real
// Octokit → the fake GitHub server, with kubernetes' own `repo_milestone:` section, its
// cluster-api entry retargeted at the harness repository. A member of that team sets the
// milestone of a pull request with one write; a member of the '' default team, which no longer
// applies here, gets Prow's refusal naming the repository's team; a name that is not a milestone
// gets the list of those there are.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  repo_milestone: Record<string, unknown>;
};

const { 'kubernetes-sigs/cluster-api': clusterApi, ...rest } = kubernetes.repo_milestone;
const config = stringify({ plugins: { [repo]: { plugins: ['milestone'] } }, repo_milestone: { ...rest, [repo]: clusterApi } });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function seeded(): Promise<Harness> {
  const harness = await startHarness({ config });
  harness.github.setMilestones(repo, [
    { number: 3, title: 'v1.11' },
    { number: 4, title: 'v1.12' },
  ]);
  harness.github.setPullRequest(repo, 1, { title: 'Add a widget' });
  harness.github.setTeam('Codertocat', { name: 'cluster-api-maintainers', slug: 'cluster-api-maintainers', members: ['alice'] });
  harness.github.setTeam('Codertocat', { name: 'milestone-maintainers', slug: 'milestone-maintainers', members: ['bob'] });
  return harness;
}

describe('milestone through the pipeline, with the kubernetes repo_milestone section', () => {
  it("a member of the repository's team sets the milestone", async () => {
    // Prepare
    h = await seeded();

    // Act
    const sent = await h.post('issue_comment', prComment('/milestone v1.12', { login: 'alice', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`updateIssue ${repo}#1 {"milestone":4}`]);
    expect(h.github.issueOf(repo, 1).milestone).toBe('v1.12');
    expect(trace.plugins.milestone).toMatchObject({ status: 'ran', checks: ['member alice of team Codertocat/cluster-api-maintainers: yes'] });
  });

  it("a member of the default team is refused in Prow's words, naming this repository's team", async () => {
    // Prepare
    h = await seeded();

    // Act
    const sent = await h.post('issue_comment', prComment('/milestone v1.12', { login: 'bob', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(
      '@bob: You must be a member of the [Codertocat/cluster-api-maintainers](https://github.com/orgs/Codertocat/teams/cluster-api-maintainers/members) GitHub team to set the milestone. ' +
        'If you believe you should be able to issue the /milestone command, please contact your Cluster API Maintainers and have them propose you as an additional delegate for this responsibility.',
    );
    expect(h.github.issueOf(repo, 1).milestone).toBeUndefined();
    expect(trace.plugins.milestone).toMatchObject({ status: 'refused' });
  });

  it('a name that is not a milestone gets the list of those there are', async () => {
    // Prepare
    h = await seeded();

    // Act
    const sent = await h.post('issue_comment', prComment('/milestone v2.0', { login: 'alice', number: 1 }));
    await h.settled(sent.delivery);

    // Assess
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('The provided milestone is not valid for this repository. Milestones in this repository: [`v1.11`, `v1.12`]');
    expect(h.github.issueOf(repo, 1).milestone).toBeUndefined();
  });
});
