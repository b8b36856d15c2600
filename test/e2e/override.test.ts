// override through the whole pipeline: signed real issue_comment payloads → local mode → the real
// Octokit → the fake GitHub server, with knative's own `override:` section, its `knative` org entry
// retargeted at the harness organization. Local mode has no job store wired into plugins yet, so
// this is the status half: a member of an allowed team overrides a failed context (the status says
// who, with the base SHA) and is told so; someone else gets Prow's refusal naming the teams.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { contextDescriptionWithBaseSha } from '../../shared/jobs/crier.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const knative = parse(readFileSync(new URL('../fixtures/prow-configs/knative/plugins.yaml', import.meta.url), 'utf8')) as {
  override: { allowed_github_teams: Record<string, string[]> };
};
const org = repo.split('/')[0]!;
const config = stringify({ plugins: { [repo]: { plugins: ['override'] } }, override: { allowed_github_teams: { [org]: knative.override.allowed_github_teams['knative'] } } });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const head = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';

async function seeded(): Promise<Harness> {
  const harness = await startHarness({ config });
  harness.github.setPullRequest(repo, 1, { title: 'Add a widget', head: { sha: head } });
  harness.github.addStatus(repo, head, { context: 'pull-widgets-unit', state: 'failure', description: 'Job failed.' });
  harness.github.setTeam(org, { name: 'Serving WG leads', slug: 'serving-wg-leads', members: ['alice'] });
  return harness;
}

describe('override through the pipeline, with the knative override section', () => {
  it('a member of an allowed team overrides a failed context', async () => {
    // Prepare
    h = await seeded();

    // Act
    const sent = await h.post('issue_comment', prComment('/override pull-widgets-unit', { login: 'alice', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    const [status] = h.github.statusesOf(repo, head);
    expect(status).toMatchObject({ context: 'pull-widgets-unit', state: 'success' });
    const baseSha = /BaseSHA:([0-9a-f]{40})$/.exec(status!.description ?? '')?.[1] ?? '';
    expect(baseSha).toMatch(/^[0-9a-f]{40}$/);
    expect(status!.description).toBe(contextDescriptionWithBaseSha('Overridden by alice', baseSha));
    const comments = h.github.writes().filter((w) => w.startsWith('createComment'));
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain('@alice: Overrode contexts on behalf of alice: pull-widgets-unit');
    expect(trace.plugins.override).toMatchObject({ status: 'ran' });
  });

  it("someone else is refused in Prow's words, naming the allowed teams", async () => {
    // Prepare
    h = await seeded();

    // Act
    const sent = await h.post('issue_comment', prComment('/override pull-widgets-unit', { login: 'mallory', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.statusesOf(repo, head)).toEqual([{ context: 'pull-widgets-unit', state: 'failure', description: 'Job failed.', targetUrl: '' }]);
    const [comment] = h.github.writes().filter((w) => w.startsWith('createComment'));
    expect(comment).toContain(
      `@mallory: mallory unauthorized: /override is restricted to Repo administrators, and the following github teams:${org}: knative-release-leads client-wg-leads eventing-wg-leads functions-wg-leads productivity-wg-leads serving-wg-leads.`,
    );
    expect(trace.plugins.override).toMatchObject({ status: 'refused' });
  });
});
