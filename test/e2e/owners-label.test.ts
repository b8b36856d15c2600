// owners-label through the whole pipeline: signed real `pull_request` payloads → local mode →
// the real Octokit → the fake GitHub, with OWNERS read from the git tree at the base commit and
// kubernetes' own `owners:` section of plugins.yaml.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { repo, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** kubernetes' plugins.yaml `owners:` section, with its repositories retargeted to the harness repository. */
function kubernetesOwnersSection(): Record<string, unknown> {
  const all = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as Record<string, any>;
  const owners = structuredClone(all.owners) as { mdyamlrepos: string[]; skip_collaborators: string[] };
  // kubernetes/website is the repository whose markdown headers are OWNERS.
  expect(owners.mdyamlrepos).toEqual(['kubernetes/website']);
  owners.mdyamlrepos = [repo];
  return owners;
}

/**
 * A real payload whose base commit is `base`: OWNERS are cached in-process by commit SHA (a
 * commit's tree never changes), so each test gets a commit of its own.
 */
function pullRequest(action: string, base: string) {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.base.sha = base;
  return payload;
}

const config = (owners?: Record<string, unknown>) => stringify({ plugins: { [repo]: { plugins: ['owners-label'] } }, ...(owners ? { owners } : {}) });

describe('owners-label end to end', () => {
  it('a pull request gets the labels of the OWNERS covering its files, once', async () => {
    // Prepare
    h = await startHarness({ config: config() });
    const base = 'e2e00e7e1abe1000000000000000000000000001';
    const payload = pullRequest('opened', base);
    h.github.setFile(repo, base, 'OWNERS', 'approvers: [octocat]\nlabels: [sig/testing]\n');
    h.github.setFile(repo, base, 'docs/OWNERS', 'approvers: [hubot]\nlabels: [kind/documentation, area/not-a-label]\n');
    h.github.setFile(repo, base, 'docs/guide.md', '# Guide\n');
    h.github.setRepoLabels(repo, ['sig/testing', 'kind/documentation']);
    h.github.setChanges(repo, payload.number, [{ filename: 'docs/guide.md', additions: 3, deletions: 1 }]);

    // Act: opened, then a push with the same files.
    const opened = await h.post('pull_request', payload);
    const trace = await h.settled(opened.delivery);
    const pushed = await h.post('pull_request', pullRequest('synchronize', base));
    await h.settled(pushed.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addLabel ${repo}#2 kind/documentation`, `addLabel ${repo}#2 sig/testing`]);
    expect(trace.plugins['owners-label']).toMatchObject({ status: 'ran', checks: ['Unable to add nonexistent labels: "area/not-a-label"'] });
  });

  it("kubernetes' owners section: mdyamlrepos makes a markdown file's header its OWNERS", async () => {
    // Prepare
    h = await startHarness({ config: config(kubernetesOwnersSection()) });
    const base = 'e2e00e7e1abe1000000000000000000000000002';
    const payload = pullRequest('opened', base);
    h.github.setFile(repo, base, 'OWNERS', 'approvers: [octocat]\n');
    h.github.setFile(repo, base, 'content/en/blog/post.md', '---\nreviewers: [hubot]\nlabels: [area/blog]\n---\n# A post\n');
    h.github.setRepoLabels(repo, ['area/blog']);
    h.github.setChanges(repo, payload.number, [{ filename: 'content/en/blog/post.md', additions: 1, deletions: 0 }]);

    // Act
    const { delivery } = await h.post('pull_request', payload);
    await h.settled(delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addLabel ${repo}#2 area/blog`]);
  });
});
