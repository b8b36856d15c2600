// retitle through the whole pipeline: signed real issue_comment payloads → local mode → the real
// Octokit → the fake GitHub server, with kubernetes' own `retitle:` section (allow_closed_issues:
// true). An org member re-titles a closed pull request with one write; a stranger gets Prow's
// refusal with who can, and the title stays.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { untrustedMessage } from '../../shared/plugins/retitle/index.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as { retitle: unknown };

// The section applies to every repository, so it needs no retargeting.
const config = stringify({ plugins: { [repo]: { plugins: ['retitle'] } }, retitle: kubernetes.retitle });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function closedPrComment(body: string, login: string) {
  const payload = prComment(body, { login, number: 1 });
  payload.issue.state = 'closed';
  return payload;
}

describe('retitle through the pipeline, with the kubernetes retitle section', () => {
  it('an org member re-titles a closed pull request', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 1, { title: 'Old title', state: 'closed' });
    h.github.setOrgMembers('Codertocat', ['alice']);

    // Act
    const sent = await h.post('issue_comment', closedPrComment('/retitle Clearer title', 'alice'));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`updateIssue ${repo}#1 {"title":"Clearer title"}`]);
    expect(h.github.issueOf(repo, 1).title).toBe('Clearer title');
    expect(trace.plugins.retitle).toMatchObject({ status: 'ran', checks: ['member alice of Codertocat: yes'] });
  });

  it("a stranger gets Prow's refusal and the title stays", async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 1, { title: 'Old title', state: 'closed' });

    // Act
    const sent = await h.post('issue_comment', closedPrComment('/retitle Mine now', 'mallory'));
    const trace = await h.settled(sent.delivery);

    // Assess
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.startsWith(`@mallory: ${untrustedMessage} You are neither a member of the Codertocat organization`)).toBe(true);
    expect(h.github.issueOf(repo, 1).title).toBe('Old title');
    expect(trace.plugins.retitle).toMatchObject({ status: 'refused' });
  });
});
