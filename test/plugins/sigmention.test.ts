// The sigmention plugin against real issue_comment payloads and an in-memory GitHub: Prow's
// TestSigMention rows (sigmention_test.go) row by row, then edited, quoted, case, suffix,
// duplicate, missing-kind and [bot] rows, the reply word for word, the reads it makes, a failed
// write, and the config (Prow's default, openshift's pattern, bad patterns).
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { formatResponseRaw } from '../../shared/plugins/respond.js';
import { defaultRegexp, sigMentionConfigSchema, type SigMentionConfig } from '../../shared/plugins/sigmention/config.js';
import { kindMap, repeatMessage, sigmention, whyRepeated, type SigMentionGitHub } from '../../shared/plugins/sigmention/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const org = 'Codertocat';
const ref = 'Codertocat/Hello-World#1'; // the issue_comment examples' issue
// Prow's test users: an org member, someone else, and the bot (an org member too in Prow's fake).
const orgMember = 'cjwagner';
const nonOrgMember = 'john';
const bot = 'k8s-ci-robot';

function event(body: string, commenter: string, action: 'created' | 'edited' = 'created'): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  payload.comment.user.login = commenter;
  return generalizeComment('issue_comment', payload)!;
}

const config = (raw: unknown = undefined): SigMentionConfig => sigMentionConfigSchema.parse(raw);

interface Run {
  body: string;
  commenter: string;
  repoLabels: string[];
  issueLabels: string[];
  regexp?: string;
  action?: 'created' | 'edited';
}

async function run(tc: Run) {
  const github = new MemoryGitHub().setRepoLabels('Codertocat/Hello-World', tc.repoLabels).setLabels(ref, tc.issueLabels).setOrgMembers(org, [orgMember, bot]);
  const e = event(tc.body, tc.commenter, tc.action);
  const ctx = pluginContext<SigMentionConfig, SigMentionGitHub>({ github, config: config(tc.regexp ? { regexp: tc.regexp } : undefined), repo: e.repo, botLogin: bot });
  const outcome = (await sigmention.comment!(ctx, e)) as Outcome;
  return { github, outcome, e, ctx };
}

interface Case extends Run {
  name: string;
  expectedRepeats: string[];
  expectedNewLabels: string[];
}

const prowRows: Case[] = [
  {
    name: "Don't repeat when org member mentions sig",
    body: '@kubernetes/sig-node-misc',
    expectedRepeats: [],
    expectedNewLabels: ['sig/node'],
    repoLabels: ['area/infra', 'priority/urgent', 'sig/node'],
    issueLabels: [],
    commenter: orgMember,
  },
  {
    name: "Don't repeat or label when bot adds mentions sig",
    body: '@kubernetes/sig-node-misc',
    expectedRepeats: [],
    expectedNewLabels: [],
    repoLabels: ['area/infra', 'priority/urgent', 'sig/node'],
    issueLabels: [],
    commenter: bot,
  },
  {
    name: 'Repeat when non org adds one sig label (sig label already present)',
    body: '@kubernetes/sig-node-bugs',
    expectedRepeats: ['@kubernetes/sig-node-bugs'],
    expectedNewLabels: ['kind/bug'],
    repoLabels: ['area/infra', 'priority/urgent', 'sig/node', 'kind/bug'],
    issueLabels: ['sig/node'],
    commenter: nonOrgMember,
  },
  {
    name: "Don't repeat non existent labels",
    body: '@kubernetes/sig-node-misc @kubernetes/sig-api-machinery-bugs',
    expectedRepeats: [],
    expectedNewLabels: [],
    repoLabels: [],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: "Don't repeat multiple if org member (all labels present).",
    body: '@kubernetes/sig-node-misc @kubernetes/sig-api-machinery-bugs',
    expectedRepeats: [],
    expectedNewLabels: [],
    repoLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'],
    issueLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'],
    commenter: orgMember,
  },
  {
    name: 'Repeat multiple valid labels from non org member',
    body: '@kubernetes/sig-node-misc @kubernetes/sig-api-machinery-bugs',
    expectedRepeats: ['@kubernetes/sig-node-misc', '@kubernetes/sig-api-machinery-bugs'],
    expectedNewLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'],
    repoLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: 'Repeat multiple valid labels with a line break from non org member.',
    body: '@kubernetes/sig-node-misc\n@kubernetes/sig-api-machinery-bugs',
    expectedRepeats: ['@kubernetes/sig-node-misc', '@kubernetes/sig-api-machinery-bugs'],
    expectedNewLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'],
    repoLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: 'Repeat Multiple Sig Labels Different Lines With Other Text',
    body: 'Code Comment.  Design Review\n@kubernetes/sig-node-proposals\ncc @kubernetes/sig-api-machinery-bugs',
    expectedRepeats: ['@kubernetes/sig-node-proposals', '@kubernetes/sig-api-machinery-bugs'],
    // Prow's row expects no kind/design: its fake repository has no such label, and Prow's fake
    // client refuses to add a label the repository lacks, as this plugin does not try to.
    expectedNewLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'],
    repoLabels: ['area/infra', 'priority/urgent', 'sig/node', 'sig/api-machinery', 'kind/bug'],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: 'Repeat when multiple label adding commands (sig labels present)',
    body: '/area infra\n/priority urgent Design Review\n@kubernetes/sig-node-misc\ncc @kubernetes/sig-api-machinery-bugs',
    expectedRepeats: ['@kubernetes/sig-node-misc', '@kubernetes/sig-api-machinery-bugs'],
    expectedNewLabels: ['sig/node', 'kind/bug'],
    repoLabels: ['area/infra', 'priority/urgent', 'sig/node', 'sig/api-machinery', 'sig/testing', 'kind/bug'],
    issueLabels: ['sig/api-machinery', 'sig/testing'],
    commenter: nonOrgMember,
  },
  {
    name: 'Works for non-specialized teams',
    body: '@openshift/sig-node',
    expectedRepeats: [],
    expectedNewLabels: ['sig/node'],
    repoLabels: ['area/infra', 'priority/urgent', 'sig/node'],
    issueLabels: [],
    commenter: orgMember,
    regexp: '(?m)@openshift/sig-([\\w-]*)',
  },
];

const moreRows: Case[] = [
  {
    name: 'an edited comment does nothing (new comments only, as Prow)',
    body: '@kubernetes/sig-node-bugs',
    expectedRepeats: [],
    expectedNewLabels: [],
    repoLabels: ['sig/node', 'kind/bug'],
    issueLabels: [],
    commenter: nonOrgMember,
    action: 'edited',
  },
  {
    name: 'a mention in a quote still counts, as in Prow (the regexp reads the whole body)',
    body: '> @kubernetes/sig-node-bugs\nagreed',
    expectedRepeats: ['@kubernetes/sig-node-bugs'],
    expectedNewLabels: ['sig/node', 'kind/bug'],
    repoLabels: ['sig/node', 'kind/bug'],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: "a team without one of the default regexp's suffixes is no mention",
    body: '@kubernetes/sig-node please look',
    expectedRepeats: [],
    expectedNewLabels: [],
    repoLabels: ['sig/node'],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: 'every kind suffix maps to its label; pr-reviews and test-failures to none',
    body: '@kubernetes/sig-a-feature-requests @kubernetes/sig-b-api-reviews @kubernetes/sig-c-proposals @kubernetes/sig-d-pr-reviews @kubernetes/sig-e-test-failures',
    expectedRepeats: [],
    expectedNewLabels: ['sig/a', 'kind/feature', 'sig/b', 'kind/api-change', 'sig/c', 'kind/design', 'sig/d', 'sig/e'],
    repoLabels: ['sig/a', 'sig/b', 'sig/c', 'sig/d', 'sig/e', 'kind/feature', 'kind/api-change', 'kind/design', 'kind/bug'],
    issueLabels: [],
    commenter: orgMember,
  },
  {
    name: "the mention's case does not matter; the label is added as the repository spells it",
    body: '@kubernetes/sig-Node-misc',
    expectedRepeats: [],
    expectedNewLabels: ['SIG/node'],
    repoLabels: ['SIG/node'],
    issueLabels: [],
    commenter: orgMember,
  },
  {
    name: 'a label on the issue in another case is not added again',
    body: '@kubernetes/sig-node-bugs',
    expectedRepeats: [],
    expectedNewLabels: [],
    repoLabels: ['sig/node', 'kind/bug'],
    issueLabels: ['Sig/Node', 'Kind/Bug'],
    commenter: orgMember,
  },
  {
    name: 'the same mention twice: one label, one repeat',
    body: '@kubernetes/sig-node-bugs\ncc @kubernetes/sig-node-bugs',
    expectedRepeats: ['@kubernetes/sig-node-bugs'],
    expectedNewLabels: ['sig/node', 'kind/bug'],
    repoLabels: ['sig/node', 'kind/bug'],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: 'a kind label the repository lacks is not added (GitHub would create it); the sig label is',
    body: '@kubernetes/sig-node-bugs',
    expectedRepeats: ['@kubernetes/sig-node-bugs'],
    expectedNewLabels: ['sig/node'],
    repoLabels: ['sig/node'],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: 'only the mentions whose SIG has a label are repeated',
    body: '@kubernetes/sig-node-misc @kubernetes/sig-nope-misc',
    expectedRepeats: ['@kubernetes/sig-node-misc'],
    expectedNewLabels: ['sig/node'],
    repoLabels: ['sig/node'],
    issueLabels: [],
    commenter: nonOrgMember,
  },
  {
    name: "the bot as a GitHub App ([bot] suffix) is still the bot",
    body: '@kubernetes/sig-node-misc',
    expectedRepeats: [],
    expectedNewLabels: [],
    repoLabels: ['sig/node'],
    issueLabels: [],
    commenter: `${bot}[bot]`,
  },
];

describe('sigmention (Prow TestSigMention)', () => {
  it.each([...prowRows, ...moreRows])('$name', async (tc) => {
    // Prepare + Act
    const { github } = await run(tc);

    // Assess: exactly the new labels, in the order of the mentions; the issue ends with both sets.
    expect(github.writes.filter((w) => w.startsWith('addLabel'))).toEqual(tc.expectedNewLabels.map((l) => `addLabel ${ref} ${l}`));
    expect(github.labelsOf(ref).sort()).toEqual([...tc.issueLabels, ...tc.expectedNewLabels].sort());
    expect(github.comments).toHaveLength(tc.expectedRepeats.length ? 1 : 0);
    if (tc.expectedRepeats.length) expect(github.comments[0]!.body).toContain(repeatMessage(tc.expectedRepeats));
  });
});

describe('sigmention replies and calls', () => {
  it("repeats the mentions in Prow's words and reply format, then says why", async () => {
    // Prepare + Act
    const { github, outcome, e } = await run({
      body: '@kubernetes/sig-node-misc @kubernetes/sig-api-machinery-bugs',
      commenter: nonOrgMember,
      repoLabels: ['sig/node', 'sig/api-machinery', 'kind/bug'],
      issueLabels: [],
    });

    // Assess
    const prow = 'Reiterating the mentions to trigger a notification: \n@kubernetes/sig-node-misc, @kubernetes/sig-api-machinery-bugs\n';
    expect(github.comments).toEqual([{ ref, body: formatResponseRaw(e.body, e.htmlUrl, nonOrgMember, `${prow}\n${whyRepeated(org, nonOrgMember)}`) }]);
    expect(github.comments[0]!.body.startsWith(`@john: ${prow}\nGitHub notifies a team only of mentions by members of the \`Codertocat\` organization, and @john is not one.`)).toBe(true);
    // Labels first, then the comment, as Prow writes them.
    expect(github.writes.map((w) => w.split(' ')[0])).toEqual(['addLabel', 'addLabel', 'addLabel', 'createComment']);
    expect(outcome).toEqual({
      status: 'ran',
      reason: 'added sig/node, sig/api-machinery, kind/bug; repeated @kubernetes/sig-node-misc, @kubernetes/sig-api-machinery-bugs',
    });
  });

  it('reads the repository labels, then the issue labels, then asks about membership; no issue read when no SIG has a label', async () => {
    // Prepare + Act
    const labelled = await run({ body: '@kubernetes/sig-node-misc', commenter: orgMember, repoLabels: ['sig/node'], issueLabels: [] });
    const unlabelled = await run({ body: '@kubernetes/sig-nope-misc', commenter: nonOrgMember, repoLabels: ['sig/node'], issueLabels: [] });

    // Assess
    expect(labelled.github.reads.map((c) => c.split(' ')[0])).toEqual(['getRepoLabels', 'getIssueLabels', 'isOrgMember']);
    expect(labelled.ctx.checks).toContain('member cjwagner of Codertocat: yes');
    expect(unlabelled.github.reads.map((c) => c.split(' ')[0])).toEqual(['getRepoLabels']);
    expect(unlabelled.github.writes).toEqual([]);
    expect(unlabelled.ctx.checks).toContain('not in the repository, so not added: sig/nope');
    expect(unlabelled.outcome).toEqual({ status: 'skipped', reason: 'no mentioned SIG has a label in the repository' });
  });

  it('a comment without a mention costs no call', async () => {
    // Prepare + Act
    const { github, outcome } = await run({ body: 'cc @kubernetes/sig-node (no suffix)', commenter: nonOrgMember, repoLabels: ['sig/node'], issueLabels: [] });

    // Assess
    expect(github.calls).toEqual([]);
    expect(outcome).toEqual({ status: 'skipped', reason: `no team mention matches ${defaultRegexp}` });
  });

  it('a failed label write fails the event (to be retried) before anything is repeated', async () => {
    // Prepare
    const github = new MemoryGitHub().setRepoLabels('Codertocat/Hello-World', ['sig/node']).setOrgMembers(org, [orgMember]);
    github.failNext('addLabel', new Error('GitHub is down'));
    const e = event('@kubernetes/sig-node-misc', nonOrgMember);
    const ctx = pluginContext<SigMentionConfig, SigMentionGitHub>({ github, config: config(), repo: e.repo });

    // Act
    const running = sigmention.comment!(ctx, e);

    // Assess
    await expect(running).rejects.toThrow('GitHub is down');
    expect(github.comments).toEqual([]);
  });

  it("Prow's kind map", () => {
    expect([...kindMap]).toEqual([
      ['bugs', 'kind/bug'],
      ['feature-requests', 'kind/feature'],
      ['api-reviews', 'kind/api-change'],
      ['proposals', 'kind/design'],
    ]);
    expect(kindMap.get('constructor')).toBeUndefined();
  });
});

describe('sigmention config', () => {
  it.each([
    { name: 'no section', raw: undefined },
    { name: 'an empty section', raw: null },
    { name: 'an empty regexp (Go zero value)', raw: { regexp: '' } },
    { name: 'a key Prow does not have', raw: { colour: 'blue' } },
  ])("$name: Prow's default", ({ raw }) => {
    // Act
    const parsed = sigMentionConfigSchema.parse(raw);

    // Assess
    expect(parsed.regexp).toBe('(?m)@kubernetes/sig-([\\w-]*)-(misc|test-failures|bugs|feature-requests|proposals|pr-reviews|api-reviews)');
    expect(parsed.re.flags).toBe('gm');
    expect([...'@kubernetes/sig-api-machinery-bugs'.matchAll(parsed.re)].map((m) => [m[1], m[2]])).toEqual([['api-machinery', 'bugs']]);
  });

  it("openshift's pattern, one group", () => {
    // Act
    const parsed = sigMentionConfigSchema.parse({ regexp: '(?m)@openshift/sig-([\\w-]*)' });

    // Assess
    expect([...'@openshift/sig-node and @openshift/sig-auth'.matchAll(parsed.re)].map((m) => m[1])).toEqual(['node', 'auth']);
  });

  it.each([
    { name: 'does not compile', raw: { regexp: '@kubernetes/sig-([\\w-]*' }, error: 'failed to compile sigmention regexp: invalid regular expression' },
    { name: 'has no capture group', raw: { regexp: '@kubernetes/sig-[\\w-]*' }, error: 'has no capture group' },
    { name: 'is not a string', raw: { regexp: ['@a', '@b'] }, error: 'expected string' },
  ])('a regexp that $name fails the config', ({ raw, error }) => {
    // Act
    const result = sigMentionConfigSchema.safeParse(raw);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n')).toContain(error);
    expect(result.error?.issues[0]?.path).toEqual(['regexp']);
  });
});
