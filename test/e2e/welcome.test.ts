// welcome through the whole pipeline: signed real payloads → local mode → the real Octokit → the
// fake GitHub, with kubernetes' own `welcome:` section of plugins.yaml retargeted to the harness's
// org. A collaborator's new pull request is not greeted (trust checked, no search); with
// always_post, kubernetes' template is rendered and posted once, however often GitHub redelivers.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { repo, startHarness, type Harness } from './harness.js';

const number = 2; // the pull_request examples' number
const author = 'Codertocat'; // and their author
const org = repo.split('/')[0]!;

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** kubernetes' `welcome:` section, its one entry naming the harness's org instead. */
function kubernetesWelcome(extra: Record<string, unknown> = {}) {
  const all = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as Record<string, any>;
  const [entry, ...rest] = structuredClone(all.welcome) as { repos: string[]; message_template: string }[];
  expect(rest).toEqual([]);
  expect(entry!.repos).toContain('kubernetes-sigs');
  return [{ ...entry, repos: [org], ...extra }];
}

const config = (welcome: unknown) => stringify({ plugins: { [repo]: { plugins: ['welcome'] } }, welcome });

describe('welcome end to end', () => {
  it("kubernetes' section: a collaborator's new pull request gets no welcome, and the trace says why", async () => {
    // Prepare
    h = await startHarness({ config: config(kubernetesWelcome()) });
    h.github.setRole(repo, author, 'write');

    // Act
    const { delivery } = await h.post('pull_request', samplePayload('pull_request', 'opened'));
    const trace = await h.settled(delivery);

    // Assess
    expect(h.github.writes()).toEqual([]);
    expect(trace.plugins.welcome).toMatchObject({
      status: 'ran',
      reason: `${author} is trusted (an org member or a collaborator): no welcome`,
      checks: [`member ${author} of ${org}: no`, `collaborator ${author} on ${repo}: yes (role write)`],
    });
  });

  it.each([
    { name: 'a first-timer (no earlier pull request) is welcomed, once', earlier: false, welcomed: true },
    { name: 'someone with an earlier pull request is not', earlier: true, welcomed: false },
  ])("kubernetes' section, an untrusted author: $name", async ({ earlier, welcomed }) => {
    // Prepare: the search sees the pull requests the fake holds, by author and creation time.
    h = await startHarness({ config: config(kubernetesWelcome()) });
    const payload = samplePayload('pull_request', 'opened');
    h.github.setPullRequest(repo, number, { author, createdAt: payload.pull_request.created_at });
    if (earlier) h.github.setPullRequest(repo, 1, { author, createdAt: '2019-01-01T00:00:00Z' });

    // Act
    const { delivery } = await h.post('pull_request', payload);
    const trace = await h.settled(delivery);

    // Assess
    const comments = h.github.writes().filter((w) => w.startsWith(`createComment ${repo}#${number}`));
    expect(comments).toHaveLength(welcomed ? 1 : 0);
    if (welcomed) expect(comments[0]).toContain(`@${author}`);
    expect(trace.plugins.welcome?.status).toBe('ran');
  });

  it("kubernetes' template with always_post: rendered with the org and repository, posted once across a redelivery", async () => {
    // Prepare
    h = await startHarness({ config: config(kubernetesWelcome({ always_post: true })) });
    const payload = samplePayload('pull_request', 'opened');

    // Act: GitHub delivers the same event twice.
    const first = await h.post('pull_request', payload);
    await h.settled(first.delivery);
    const again = await h.post('pull_request', payload, first.delivery);
    await h.settled(again.delivery);

    // Assess
    const comments = h.github.commentsOf(repo, number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(
      new RegExp(`^Welcome @${author}! <br><br>It looks like this is your first PR to <a href='https://github.com/${repo}'>${repo}</a> 🎉\\. Please refer`),
    );
    expect(comments[0]!.body).toContain(`You can also check if ${repo} has [its own contribution guidelines](https://github.com/${repo}/tree/master/CONTRIBUTING.md).`);
    expect(comments[0]!.body).not.toContain('{{');
  });

  it('a template beyond the subset is a config error naming the file, the line and the action', async () => {
    // Act / Assess: local mode refuses to start on a config that never loaded.
    await expect(startHarness({ config: config([{ repos: [org], message_template: 'Hi {{.AuthorLogin | upper}}' }]) })).rejects.toThrow(
      'plugins.yaml:8:23: welcome[0].message_template: "{{.AuthorLogin | upper}}" at offset 3 is not supported: only single fields are rendered; the template may use {{.AuthorLogin}}, {{.AuthorName}}, {{.Org}}, {{.Repo}}',
    );
  });
});
