// milestonestatus through the whole pipeline: signed real issue_comment payloads → local mode →
// the real Octokit → the fake GitHub server, with kubernetes' own `repo_milestone:` section, whose
// '' default (milestone-maintainers) applies to the harness repository. A member adds two status
// labels with one comment; anyone else gets Prow's refusal and no label.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as { repo_milestone: unknown };

// The '' entry is the default for every repository, so the section needs no retargeting.
const config = stringify({ plugins: { [repo]: { plugins: ['milestonestatus'] } }, repo_milestone: kubernetes.repo_milestone });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function seeded(): Promise<Harness> {
  const harness = await startHarness({ config });
  harness.github.setPullRequest(repo, 1, { title: 'Add a widget' });
  harness.github.setTeam('Codertocat', { name: 'milestone-maintainers', slug: 'milestone-maintainers', members: ['alice'] });
  return harness;
}

describe('milestonestatus through the pipeline, with the kubernetes repo_milestone section', () => {
  it('a milestone maintainer adds every status the comment names', async () => {
    // Prepare
    h = await seeded();

    // Act
    const sent = await h.post('issue_comment', prComment('/status approved-for-milestone\n/status in-review', { login: 'alice', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 status/approved-for-milestone`, `addLabel ${repo}#1 status/in-review`]);
    expect(trace.plugins.milestonestatus).toMatchObject({ status: 'ran', checks: ['member alice of team Codertocat/milestone-maintainers: yes'] });
  });

  it("anyone else gets Prow's refusal, naming the team and who to ask", async () => {
    // Prepare
    h = await seeded();

    // Act
    const sent = await h.post('issue_comment', prComment('/status in-progress', { login: 'mallory', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain(
      '@mallory: You must be a member of the [Codertocat/milestone-maintainers](https://github.com/orgs/Codertocat/teams/milestone-maintainers/members) GitHub team to add status labels. ' +
        'If you believe you should be able to issue the /status command, please contact your Milestone Maintainers Team and have them propose you as an additional delegate for this responsibility.',
    );
    expect(h.github.writes().filter((w) => w.startsWith('addLabel'))).toEqual([]);
    expect(trace.plugins.milestonestatus).toMatchObject({ status: 'refused' });
  });
});
