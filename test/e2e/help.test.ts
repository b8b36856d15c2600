// help (help wanted / good first issue) through the whole pipeline: signed real issue_comment
// payloads → local mode → the real Octokit → the fake GitHub server, configured with kubernetes'
// own `help:` section (its guidelines URL and summary).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { goodFirstIssueLabel, goodFirstIssueMessage, helpLabel } from '../../shared/plugins/help/index.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const kubernetes = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as {
  help: { help_guidelines_url: string; help_guidelines_summary: string };
};
const config = stringify({ plugins: { [repo]: { plugins: ['help'] } }, help: kubernetes.help });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A real comment on issue #1 of the harness repository. */
function issueComment(body: string) {
  const payload = samplePayload('issue_comment', 'created');
  payload.comment.body = body;
  return payload;
}

describe('help through the pipeline, with the kubernetes help section', () => {
  it("/good-first-issue adds both labels with kubernetes' guidelines; /remove-help takes them and the bot's comment away", async () => {
    // Prepare
    h = await startHarness({ config });
    const guidelines = { guidelinesUrl: kubernetes.help.help_guidelines_url, guidelinesSummary: kubernetes.help.help_guidelines_summary };

    // Act
    const added = await h.post('issue_comment', issueComment('/good-first-issue'));
    const addTrace = await h.settled(added.delivery);
    const labelsAfterAdd = h.github.labelsOf(repo, 1);
    const [reply] = h.github.comments(repo, 1);
    const removed = await h.post('issue_comment', issueComment('/remove-help'));
    const removeTrace = await h.settled(removed.delivery);

    // Assess
    expect(labelsAfterAdd.sort()).toEqual([goodFirstIssueLabel, helpLabel]);
    expect(reply!.startsWith(`@Codertocat: ${goodFirstIssueMessage(guidelines)}`)).toBe(true);
    expect(reply).toContain('https://www.kubernetes.dev/docs/guide/help-wanted/#good-first-issue');
    expect(reply).toContain('### Guidelines\nPlease ensure that the issue body includes answers to the following questions:');
    expect(addTrace.plugins.help).toMatchObject({ status: 'ran', reason: `/good-first-issue: ${goodFirstIssueLabel} and ${helpLabel} added` });
    expect(h.github.labelsOf(repo, 1)).toEqual([]);
    expect(h.github.comments(repo, 1)).toEqual([]);
    expect(removeTrace.plugins.help).toMatchObject({ status: 'ran', reason: `/remove-help: ${helpLabel} removed, ${goodFirstIssueLabel} removed, 1 bot comment deleted` });
  });

  it('/help on a pull request changes nothing', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 1, { author: 'Codertocat' });

    // Act
    const sent = await h.post('issue_comment', prComment('/help'));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([]);
    expect(trace.plugins.help).toMatchObject({ status: 'skipped' });
  });
});
