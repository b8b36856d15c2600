// wip through the whole pipeline: signed real pull_request payloads → local mode → the real
// Octokit → the fake GitHub server. A pull request opened with a WIP title gets the label, an edit
// that drops the prefix takes it off again (written even though that payload was made before the
// label showed), and a pull request made a draft gets it back — with no reads, as the payload
// carries the title, the draft state and the labels.
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { wipLabel } from '../../shared/plugins/wip/index.js';
import { repo, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const config = stringify({ plugins: { [repo]: { plugins: ['wip'] } } });

/** The pull_request example (#2) with `action`, `title` and `draft`, and no labels. */
function pullRequest(action: string, title: string, draft = false, changes?: Record<string, unknown>) {
  const payload = samplePayload('pull_request', 'opened');
  payload.action = action;
  payload.pull_request.title = title;
  payload.pull_request.draft = draft;
  payload.pull_request.labels = [];
  if (changes) payload.changes = changes;
  return payload;
}

describe('wip through the pipeline', () => {
  it('labels a WIP title, unlabels it when the prefix goes, and labels a draft', async () => {
    // Prepare
    h = await startHarness({ config });
    h.github.setPullRequest(repo, 2, { title: '[WIP] Update the README' });

    // Act: opened with a WIP title.
    const opened = await h.post('pull_request', pullRequest('opened', '[WIP] Update the README'));
    const openedTrace = await h.settled(opened.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addLabel ${repo}#2 ${wipLabel}`]);
    expect(h.github.labelsOf(repo, 2)).toEqual([wipLabel]);
    expect(openedTrace.plugins.wip).toMatchObject({ status: 'ran', reason: `${wipLabel} added: its title "[WIP] Update the README" starts with WIP` });

    // Act: the prefix is edited away; this payload still shows no label.
    h.github.resetCalls();
    const edited = await h.post('pull_request', pullRequest('edited', 'Update the README', false, { title: { from: '[WIP] Update the README' } }));
    const editedTrace = await h.settled(edited.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`removeLabel ${repo}#2 ${wipLabel}`]);
    expect(h.github.labelsOf(repo, 2)).toEqual([]);
    expect(editedTrace.plugins.wip).toMatchObject({ status: 'ran', reason: `${wipLabel} removed: it is neither a draft nor titled WIP` });

    // Act: made a draft.
    h.github.resetCalls();
    const drafted = await h.post('pull_request', pullRequest('converted_to_draft', 'Update the README', true));
    await h.settled(drafted.delivery);

    // Assess: writes only, no reads of the pull request or its labels.
    expect(h.github.writes()).toEqual([`addLabel ${repo}#2 ${wipLabel}`]);
    expect(h.github.calls.filter((c) => c.method === 'GET' && /\/(issues|pulls)\/2(\/labels)?$/.test(c.path)).map((c) => c.text)).toEqual([]);
    expect(h.github.labelsOf(repo, 2)).toEqual([wipLabel]);
  });
});
