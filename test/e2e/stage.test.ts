// stage through the whole pipeline: a signed real issue_comment payload → local mode → the real
// Octokit → the fake GitHub server. `/stage beta` on an issue in alpha moves it to beta.
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { repo, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('stage through the pipeline', () => {
  it('/stage beta on an issue in alpha takes alpha off and puts beta on', async () => {
    // Prepare: the example comment is on issue #1.
    h = await startHarness({ config: stringify({ plugins: { [repo]: { plugins: ['stage'] } } }) });
    h.github.setIssue(repo, 1, {});
    h.github.setLabels(repo, 1, ['kind/feature', 'stage/alpha']);
    const payload = samplePayload('issue_comment', 'created');
    payload.comment.body = 'Graduating.\n/stage beta';

    // Act
    const sent = await h.post('issue_comment', payload);
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`removeLabel ${repo}#1 stage/alpha`, `addLabel ${repo}#1 stage/beta`]);
    expect(h.github.labelsOf(repo, 1)).toEqual(['kind/feature', 'stage/beta']);
    expect(trace.plugins.stage).toMatchObject({ status: 'ran', reason: '/stage beta: -stage/alpha +stage/beta' });
  });
});
