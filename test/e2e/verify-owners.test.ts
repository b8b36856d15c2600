// verify-owners through the whole pipeline: signed real payloads → local mode → the real Octokit
// → the fake GitHub. A pull request with a bad OWNERS file gets the label and one comment however
// many pushes repeat it; once fixed the label goes, and `/verify-owners` checks again on demand.
// The kubernetes rows use kubernetes' own `owners:` section of plugins.yaml.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const label = 'do-not-merge/invalid-owners-file';
const number = 2; // the pull_request examples' number
const author = 'Codertocat'; // and their author

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** kubernetes' plugins.yaml `owners:` section; `retarget` lists the harness repository in skip_collaborators instead. */
function kubernetesOwnersSection(retarget: boolean): Record<string, unknown> {
  const all = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as Record<string, any>;
  const owners = structuredClone(all.owners) as { skip_collaborators: string[] };
  expect(owners.skip_collaborators).toEqual(['kubernetes-sigs/contributor-playground']);
  if (retarget) owners.skip_collaborators = [repo];
  return owners;
}

const config = (owners?: Record<string, unknown>) => stringify({ plugins: { [repo]: { plugins: ['verify-owners'] } }, ...(owners ? { owners } : {}) });

/** A real pull_request payload at these commits. */
function pullRequest(action: string, head: string, base = 'ba5e000000000000000000000000000000000001') {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.head.sha = head;
  payload.pull_request.base.sha = base;
  return payload;
}

const comments = (h: Harness) => h.github.commentsOf(repo, number);

describe('verify-owners end to end', () => {
  it('a bad OWNERS file: the label and one comment, however many pushes; fixed: the label goes; /verify-owners prunes the comment', async () => {
    // Prepare: the root OWNERS loses its approvers.
    h = await startHarness({ config: config() });
    const bad = 'bad0000000000000000000000000000000000001';
    const good = '600d000000000000000000000000000000000001';
    h.github.setFile(repo, bad, 'OWNERS', 'reviewers:\n- octocat\n');
    h.github.setFile(repo, good, 'OWNERS', 'approvers:\n- octocat\n');
    h.github.setRole(repo, 'octocat', 'write');
    h.github.setChanges(repo, number, [{ filename: 'OWNERS', additions: 1, deletions: 1 }]);

    // Act 1: opened, then a push with the same problem.
    const opened = await h.post('pull_request', pullRequest('opened', bad));
    const first = await h.settled(opened.delivery);
    const pushed = await h.post('pull_request', pullRequest('synchronize', bad));
    const second = await h.settled(pushed.delivery);

    // Assess 1
    expect(h.github.labelsOf(repo, number)).toEqual([label]);
    expect(comments(h)).toHaveLength(1);
    expect(comments(h)[0]!.body).toMatch(
      new RegExp(`^@${author}: 1 invalid OWNERS file\n\n- \`OWNERS\`: No approvers defined in this root directory OWNERS file\\.\n\n<details>`),
    );
    expect(first.plugins['verify-owners']).toMatchObject({ status: 'ran', writes: [`addLabel ${repo}#${number} ${label}`, expect.stringMatching(/^createComment /)] });
    expect(second.plugins['verify-owners']).toMatchObject({ status: 'ran', writes: [] });

    // Act 2: the fix is pushed.
    const fixed = await h.post('pull_request', pullRequest('synchronize', good));
    await h.settled(fixed.delivery);

    // Assess 2
    expect(h.github.labelsOf(repo, number)).toEqual([]);

    // Act 3: someone asks for a check (the pull request now points at the good commit).
    h.github.setPullRequest(repo, number, { author, head: { sha: good }, base: { sha: 'ba5e000000000000000000000000000000000001' } });
    const asked = await h.post('issue_comment', prComment('/verify-owners', { number, login: 'hubot' }));
    await h.settled(asked.delivery);

    // Assess 3: nothing wrong any more, and no stale comment of the bot's left saying otherwise.
    expect(h.github.labelsOf(repo, number)).toEqual([]);
    expect(comments(h).filter((c) => c.user === 'skiff-bot')).toEqual([]);
    // Four writes in all, whichever event deletes the comment (a push knows the bot's login or not).
    const writes = h.github.writes().map((w) => w.split('\n')[0]);
    expect(writes).toHaveLength(4);
    expect(writes).toEqual(
      expect.arrayContaining([
        `addLabel ${repo}#${number} ${label}`,
        `createComment ${repo}#${number} @${author}: 1 invalid OWNERS file`,
        `removeLabel ${repo}#${number} ${label}`,
        expect.stringMatching(new RegExp(`^deleteComment ${repo} \\d+$`)),
      ]),
    );
  });

  it("kubernetes' owners section: a new approver who is neither an org member nor a collaborator is untrusted", async () => {
    // Prepare
    h = await startHarness({ config: config(kubernetesOwnersSection(false)) });
    const base = 'ba5e000000000000000000000000000000000002';
    const head = 'bead000000000000000000000000000000000002';
    h.github.setFile(repo, base, 'pkg/OWNERS', 'approvers:\n- octocat\n');
    h.github.setFile(repo, head, 'pkg/OWNERS', 'approvers:\n- octocat\n- mallory\nlabels:\n- area/pkg\n');
    h.github.setRole(repo, 'octocat', 'write');
    h.github.setChanges(repo, number, [{ filename: 'pkg/OWNERS', additions: 3, deletions: 0 }]);

    // Act
    const { delivery } = await h.post('pull_request', pullRequest('opened', head, base));
    const trace = await h.settled(delivery);

    // Assess
    expect(h.github.labelsOf(repo, number)).toEqual([label]);
    expect(comments(h).map((c) => c.body.split('\n\n<details>')[0])).toEqual([
      `@${author}: The OWNERS file contains untrusted users, which makes it INVALID. The following users are mentioned in OWNERS file(s) but are untrusted for the following reasons. One way to make the user trusted is to add them as [members](https://github.com/orgs/Codertocat/people) of the Codertocat org. You can then trigger verification by writing \`/verify-owners\` in a comment.\n- mallory\n  - User is not a member of the org. User is not a collaborator. Satisfy at least one of these conditions to make the user trusted.\n  - pkg/OWNERS`,
    ]);
    // Only the new approver was asked about, and the answer is in the trace.
    expect(trace.plugins['verify-owners']?.checks).toEqual(expect.arrayContaining([`member mallory of Codertocat: no`, expect.stringMatching(/^collaborator mallory on Codertocat\/Hello-World: no/)]));
  });

  it("kubernetes' owners section retargeted: skip_collaborators leaves trust alone but still checks the file, with its default denylist", async () => {
    // Prepare
    h = await startHarness({ config: config(kubernetesOwnersSection(true)) });
    const base = 'ba5e000000000000000000000000000000000003';
    const head = 'bead000000000000000000000000000000000003';
    h.github.setFile(repo, base, 'pkg/OWNERS', 'approvers:\n- octocat\n');
    h.github.setFile(repo, head, 'pkg/OWNERS', 'approvers:\n- octocat\n- mallory\nlabels:\n- lgtm\n');
    h.github.setChanges(repo, number, [{ filename: 'pkg/OWNERS', additions: 3, deletions: 0 }]);

    // Act
    const { delivery } = await h.post('pull_request', pullRequest('opened', head, base));
    const trace = await h.settled(delivery);

    // Assess: the banned label is the only complaint; nobody's role was asked.
    expect(h.github.labelsOf(repo, number)).toEqual([label]);
    expect(comments(h).map((c) => c.body.split('\n\n<details>')[0])).toEqual([`@${author}: 1 invalid OWNERS file\n\n- \`pkg/OWNERS\`: File contains banned labels: [lgtm].`]);
    expect(trace.plugins['verify-owners']?.checks ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/^collaborator /)]));
  });
});
