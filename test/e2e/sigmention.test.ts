// sigmention through the whole pipeline: signed real payloads → local mode → the real Octokit →
// the fake GitHub server. Configured as kubernetes runs it: its plugins.yaml enables sigmention for
// the kubernetes org and has no `sigmention:` section, so Prow's default regexp applies (the test
// checks both, then takes the section as it is). A non-member's mention is labelled and repeated,
// a member's only labelled, the bot's own repeat starts no loop, a new issue's body counts; and
// openshift's section (one group, no suffixes) labels its teams' mentions.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { prComment, repo, startHarness, type Harness } from './harness.js';

const fixture = (path: string) => parse(readFileSync(new URL(`../fixtures/prow-configs/${path}`, import.meta.url), 'utf8')) as Record<string, any>;
const kubernetes = fixture('kubernetes/plugins.yaml');
const openshift = fixture('openshift/02_config/_plugins.yaml');

const [owner] = repo.split('/') as [string];

/** kubernetes' `sigmention` section (absent: Prow's default) with the plugin enabled for the harness repository. */
const kubernetesConfig = stringify({ plugins: { [repo]: { plugins: ['sigmention'] } }, ...(kubernetes.sigmention === undefined ? {} : { sigmention: kubernetes.sigmention }) });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(config = kubernetesConfig): Promise<Harness> {
  const started = await startHarness({ config });
  started.github.setPullRequest(repo, 1, { author: 'Codertocat' });
  started.github.setRepoLabels(repo, ['sig/node', 'sig/api-machinery', 'sig/auth', 'kind/bug', 'kind/feature']);
  started.github.setOrgMembers(owner, ['alice']);
  return started;
}

describe('sigmention through the pipeline, as kubernetes configures it', () => {
  it('kubernetes enables sigmention with no section of its own: Prow\'s default regexp', () => {
    expect(kubernetes.plugins.kubernetes.plugins).toContain('sigmention');
    expect(kubernetes.sigmention).toBeUndefined();
  });

  it("a non-member's mentions: sig and kind labels, then the mentions repeated in Prow's words", async () => {
    // Prepare
    h = await harness();

    // Act
    const sent = await h.post('issue_comment', prComment('Looks like a kubelet bug.\ncc @kubernetes/sig-node-bugs @kubernetes/sig-storage-misc', { login: 'mallory', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess: sig/storage does not exist, so that mention is neither labelled nor repeated.
    expect(h.github.labelsOf(repo, 1).sort()).toEqual(['kind/bug', 'sig/node']);
    const replies = h.github.comments(repo, 1);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(
      /^@mallory: Reiterating the mentions to trigger a notification: \n@kubernetes\/sig-node-bugs\n\nGitHub notifies a team only of mentions by members of the `Codertocat` organization, and @mallory is not one\.\n\n<details>/,
    );
    expect(trace.plugins.sigmention).toMatchObject({
      status: 'ran',
      reason: 'added sig/node, kind/bug; repeated @kubernetes/sig-node-bugs',
      checks: ['not in the repository, so not added: sig/storage', 'member mallory of Codertocat: no'],
    });
  });

  it("a member's mention is labelled, not repeated; labels already there are not added again", async () => {
    // Prepare
    h = await harness();
    h.github.setLabels(repo, 1, ['sig/node']);

    // Act
    const sent = await h.post('issue_comment', prComment('@kubernetes/sig-node-feature-requests', { login: 'alice', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 kind/feature`]);
    expect(trace.plugins.sigmention).toMatchObject({ status: 'ran', reason: 'added kind/feature' });
  });

  it("the bot's own repeat, coming back as a comment, is not read again", async () => {
    // Prepare
    h = await harness();
    const first = await h.post('issue_comment', prComment('@kubernetes/sig-node-bugs', { login: 'mallory', number: 1 }));
    await h.settled(first.delivery);
    const [reply] = h.github.comments(repo, 1);

    // Act
    const echoed = await h.post('issue_comment', prComment(reply!, { login: 'skiff-bot', number: 1 }));
    const trace = await h.settled(echoed.delivery);

    // Assess
    expect(h.github.comments(repo, 1)).toHaveLength(1);
    expect(trace.plugins.sigmention).toMatchObject({ status: 'skipped', reason: 'the comment is by the bot itself (skiff-bot)' });
  });

  it("a new issue's body counts as its first comment; an edit of it does not", async () => {
    // Prepare
    h = await harness();
    const opened = samplePayload('issues', 'opened');
    opened.issue.body = 'Tokens expire early. @kubernetes/sig-auth-bugs';
    const edited = structuredClone(opened);
    edited.action = 'edited';
    edited.changes = { body: { from: '' } };
    const number = opened.issue.number as number;

    // Act
    const openTrace = await h.settled((await h.post('issues', opened)).delivery);
    h.github.setLabels(repo, number, []);
    const editTrace = await h.settled((await h.post('issues', edited)).delivery);

    // Assess
    expect(openTrace.plugins.sigmention).toMatchObject({ status: 'ran', reason: 'added sig/auth, kind/bug; repeated @kubernetes/sig-auth-bugs' });
    expect(editTrace.plugins.sigmention).toMatchObject({ status: 'skipped', reason: 'the comment was edited: only new comments are read' });
    expect(h.github.labelsOf(repo, number)).toEqual([]);
  });
});

describe("sigmention through the pipeline, with openshift's section", () => {
  it('(?m)@openshift/sig-([\\w-]*): the sig label, no kind label', async () => {
    // Prepare
    expect(openshift.sigmention).toEqual({ regexp: '(?m)@openshift/sig-([\\w-]*)' });
    h = await harness(stringify({ plugins: { [repo]: { plugins: ['sigmention'] } }, sigmention: openshift.sigmention }));

    // Act
    const sent = await h.post('issue_comment', prComment('@openshift/sig-api-machinery @kubernetes/sig-node-bugs', { login: 'alice', number: 1 }));
    const trace = await h.settled(sent.delivery);

    // Assess
    expect(h.github.writes()).toEqual([`addLabel ${repo}#1 sig/api-machinery`]);
    expect(trace.plugins.sigmention).toMatchObject({ status: 'ran', reason: 'added sig/api-machinery' });
  });
});
