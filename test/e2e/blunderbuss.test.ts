// blunderbuss through the whole pipeline, with kubernetes' own `blunderbuss:` section
// (max_request_count 2, use_status_availability): a real pull_request opened payload → local mode
// → the real Octokit → the fake GitHub server, whose repository has OWNERS files at the pull
// request's base commit. OWNERS are read through the git tree API, as in production.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as { blunderbuss: unknown };

/** kubernetes' blunderbuss section as it is, with the plugin enabled for the harness repository. */
const kubernetesConfig = (): string => stringify({ plugins: { [repo]: { plugins: ['blunderbuss'] } }, blunderbuss: kubernetes.blunderbuss });

const apiReviewers = ['api-reviewer-1', 'api-reviewer-2', 'api-reviewer-3'];
const owners = {
  OWNERS: 'approvers:\n- root-approver\nreviewers:\n- root-reviewer\n',
  // The author is a reviewer here too, and must never be asked.
  'api/OWNERS': `approvers:\n- api-approver\nreviewers:\n${[...apiReviewers, 'Codertocat'].map((r) => `- ${r}\n`).join('')}`,
};

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * Pull request #2 by Codertocat (the example payload's) changing api/types.go, with the OWNERS at
 * a base commit of its own per test (OWNERS are cached by commit within the process).
 */
async function harness(test: string): Promise<{ h: Harness; opened: Record<string, any> }> {
  const started = await startHarness({ config: kubernetesConfig() });
  const base = createHash('sha1').update(test).digest('hex');
  const gh = started.github;
  for (const [path, text] of Object.entries(owners)) gh.setFile(repo, base, path, text);
  gh.setPullRequest(repo, 2, { author: 'Codertocat', base: { sha: base } });
  gh.setChanges(repo, 2, [{ filename: 'api/types.go', additions: 30, deletions: 4 }]);
  for (const login of [...apiReviewers, 'root-reviewer', 'root-approver', 'api-approver']) gh.setRole(repo, login, 'write');
  const opened = samplePayload('pull_request', 'opened');
  opened.pull_request.base.sha = base;
  opened.pull_request.body = 'Adds a field to the API.';
  return { h: started, opened };
}

describe('blunderbuss through the pipeline, with the kubernetes blunderbuss section', () => {
  it('a pull request opened asks two api reviewers, the same two on a second delivery', async () => {
    // Prepare
    const started = await harness('opened');
    h = started.h;

    // Act
    const first = await h.post('pull_request', started.opened);
    const trace = await h.settled(first.delivery);
    const again = await h.post('pull_request', started.opened);
    const retrace = await h.settled(again.delivery);

    // Assess
    const writes = h.github.writes();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe(writes[0]);
    const asked = h.github.requestedOf(repo, 2).reviewers;
    expect(asked).toHaveLength(2);
    for (const login of asked) expect(apiReviewers).toContain(login);
    expect(trace.plugins.blunderbuss).toMatchObject({ status: 'ran', reason: `requested reviews from ${asked.join(', ')}` });
    expect(retrace.plugins.blunderbuss).toMatchObject({ status: 'ran', writes: trace.plugins.blunderbuss!.writes });
    // kubernetes sets use_status_availability, which Skiff cannot honour: the trace says so.
    expect(trace.plugins.blunderbuss!.checks).toContain("use_status_availability is not supported (GitHub's busy status is GraphQL only): every candidate counts as available");
  });

  it('a pull request opened with /cc in its body asks nobody', async () => {
    // Prepare
    const started = await harness('cc');
    h = started.h;
    started.opened.pull_request.body = 'Adds a field.\r\n\r\n/cc @root-reviewer\r\n';

    // Act
    const sent = await h.post('pull_request', started.opened);
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([]);
    expect(trace.plugins.blunderbuss).toMatchObject({ status: 'skipped', reason: 'the pull request body has a /cc line: its author chose the reviewers' });
  });

  it('/auto-cc on the pull request asks the same reviewers as opening it would', async () => {
    // Prepare
    const started = await harness('auto-cc');
    h = started.h;
    const opened = await h.post('pull_request', started.opened);
    await h.settled(opened.delivery);
    const onOpen = h.github.writes();

    // Act
    const sent = await h.post('issue_comment', prComment('/auto-cc', { login: 'root-reviewer', number: 2 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(trace.plugins.blunderbuss).toMatchObject({ status: 'ran' });
    expect(h.github.writes()).toEqual([...onOpen, ...onOpen]);
  });
});
