// The help plugin (Prow's `help`: help wanted and good first issue labels) through the command
// machinery, against MemoryGitHub. Named help-wanted.test.ts because help.test.ts tests the
// plugin-help catalog. Rows follow Prow's help_test.go (TestLabel, TestIssueGuidelines), plus
// pruning of the bot's comments, config defaults, and quoted, glued, CRLF and case rows.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { defaultHelpGuidelinesUrl, helpConfigSchema, type HelpConfig } from '../../shared/plugins/help/config.js';
import { goodFirstIssueLabel, goodFirstIssueMessage, help, helpLabel, helpMessage } from '../../shared/plugins/help/index.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = 'Codertocat/Hello-World';
const ref = `${repo}#1`;
const url = 'https://git.k8s.io/community/contributors/guide/help-wanted.md';
const config: HelpConfig = { guidelinesUrl: url, guidelinesSummary: '' };

function event({ body, isPR = false, state = 'open', action = 'created' }: { body: string; isPR?: boolean; state?: string; action?: 'created' | 'edited' }): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user, login: 'Alice' };
  payload.issue.state = state;
  if (isPR) {
    const pulls = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url: pulls, html_url: payload.issue.html_url, diff_url: `${pulls}.diff`, patch_url: `${pulls}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

async function run(gh: MemoryGitHub, e: GenericCommentEvent, cfg: HelpConfig = config) {
  const ctx = pluginContext({ github: gh, config: cfg, repo: e.repo });
  return { outcome: await runCommands(help, ctx, e), ctx };
}

const labelWrites = (gh: MemoryGitHub, verb: 'addLabel' | 'removeLabel') =>
  gh.writes
    .filter((w) => w.startsWith(`${verb} `))
    .map((w) => w.slice(`${verb} ${ref} `.length))
    .sort();

describe('help (Prow TestLabel)', () => {
  interface Case {
    name: string;
    isPR?: boolean;
    issueState?: string;
    action?: 'created' | 'edited';
    body: string;
    expectedNewLabels: string[];
    expectedRemovedLabels: string[];
    issueLabels: string[];
  }
  const cases: Case[] = [
    { name: 'Ignore irrelevant comment', body: 'irrelelvant', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },
    { name: 'Ignore a PR', isPR: true, body: '/help', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },
    { name: 'Ignore a closed issue', issueState: 'closed', body: '/help', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },
    { name: 'Ignore a non-created comment', action: 'edited', body: '/help', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },
    { name: 'Want helpLabel', body: '/help', expectedNewLabels: [helpLabel], expectedRemovedLabels: [], issueLabels: [] },
    { name: 'Want helpLabel, already have it.', body: '/help', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [helpLabel] },
    { name: 'Want to remove helpLabel, have it', body: '/remove-help', expectedNewLabels: [], expectedRemovedLabels: [helpLabel], issueLabels: [helpLabel] },
    { name: "Want to remove helpLabel, don't have it", body: '/remove-help', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },
    {
      name: 'Want to remove helpLabel and goodFirstIssueLabel, have helpLabel and goodFirstIssueLabel',
      body: '/remove-help',
      expectedNewLabels: [],
      expectedRemovedLabels: [helpLabel, goodFirstIssueLabel],
      issueLabels: [helpLabel, goodFirstIssueLabel],
    },
    {
      name: "Want to add goodFirstIssueLabel and helpLabel, don't have both",
      body: '/good-first-issue',
      expectedNewLabels: [helpLabel, goodFirstIssueLabel],
      expectedRemovedLabels: [],
      issueLabels: [],
    },
    {
      name: "Want to add goodFirstIssueLabel and helpLabel, don't have goodFirstIssueLabel but have helpLabel",
      body: '/good-first-issue',
      expectedNewLabels: [goodFirstIssueLabel],
      expectedRemovedLabels: [],
      issueLabels: [helpLabel],
    },
    { name: 'Want to add goodFirstIssueLabel and helpLabel, have both', body: '/good-first-issue', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [helpLabel, goodFirstIssueLabel] },
    {
      name: 'Want to remove goodFirstIssueLabel, have helpLabel and goodFirstIssueLabel',
      body: '/remove-good-first-issue',
      expectedNewLabels: [],
      expectedRemovedLabels: [goodFirstIssueLabel],
      issueLabels: [helpLabel, goodFirstIssueLabel],
    },
    { name: 'Want to remove goodFirstIssueLabel, have goodFirstIssueLabel', body: '/remove-good-first-issue', expectedNewLabels: [], expectedRemovedLabels: [goodFirstIssueLabel], issueLabels: [goodFirstIssueLabel] },
    {
      name: "Want to remove goodFirstIssueLabel, have helpLabel but don't have goodFirstIssueLabel",
      body: '/remove-good-first-issue',
      expectedNewLabels: [],
      expectedRemovedLabels: [],
      issueLabels: [helpLabel],
    },
    { name: "Want to remove goodFirstIssueLabel, but don't have it", body: '/remove-good-first-issue', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },

    // Beyond Prow's table.
    { name: '> /help in a quote', body: '> /help', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },
    { name: '/help me (free text after: Prow wants the command alone)', body: '/help me', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },
    { name: '/helpwanted', body: '/helpwanted', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: [] },
    { name: '/HELP with CRLF and trailing space', body: 'Anyone?\r\n/HELP \r\n', expectedNewLabels: [helpLabel], expectedRemovedLabels: [], issueLabels: [] },
    { name: 'an existing label in another case counts as there', body: '/help', expectedNewLabels: [], expectedRemovedLabels: [], issueLabels: ['Help Wanted'] },
    { name: '/help and /remove-help: remove first, as Prow checks', body: '/help\n/remove-help', expectedNewLabels: [], expectedRemovedLabels: [helpLabel], issueLabels: [helpLabel] },
  ];

  it.each(cases)('$name', async (tc) => {
    // Prepare
    const gh = new MemoryGitHub().setLabels(ref, tc.issueLabels);

    // Act
    await run(gh, event({ body: tc.body, isPR: tc.isPR, state: tc.issueState, action: tc.action }));

    // Assess
    expect(labelWrites(gh, 'addLabel')).toEqual([...tc.expectedNewLabels].sort());
    expect(labelWrites(gh, 'removeLabel')).toEqual([...tc.expectedRemovedLabels].sort());
    // A comment goes with each label added by /help or /good-first-issue, and only then.
    expect(gh.comments).toHaveLength(tc.expectedNewLabels.length ? 1 : 0);
  });
});

describe('help messages (Prow TestIssueGuidelines)', () => {
  const guidelineSummary = 'This is a guideline';
  const cases = [
    {
      name: 'Help message with guidelines summary',
      message: helpMessage({ guidelinesUrl: url, guidelinesSummary: guidelineSummary }),
      expected: `
	This request has been marked as needing help from a contributor.

### Guidelines
${guidelineSummary}

For more details on the requirements of such an issue, please see [here](${url}) and ensure that they are met.

If this request no longer meets these requirements, the label can be removed
by commenting with the \`/remove-help\` command.
`,
    },
    {
      name: 'Help message without guidelines summary',
      message: helpMessage({ guidelinesUrl: url, guidelinesSummary: '' }),
      expected: `
	This request has been marked as needing help from a contributor.

Please ensure the request meets the requirements listed [here](${url}).

If this request no longer meets these requirements, the label can be removed
by commenting with the \`/remove-help\` command.
`,
    },
    {
      name: 'Good First Issue message with guidelines summary',
      message: goodFirstIssueMessage({ guidelinesUrl: url, guidelinesSummary: guidelineSummary }),
      expected: `
	This request has been marked as suitable for new contributors.

### Guidelines
${guidelineSummary}

For more details on the requirements of such an issue, please see [here](${url}#good-first-issue) and ensure that they are met.

If this request no longer meets these requirements, the label can be removed
by commenting with the \`/remove-good-first-issue\` command.
`,
    },
    {
      name: 'Good First Issue message without guidelines summary',
      message: goodFirstIssueMessage({ guidelinesUrl: url, guidelinesSummary: '' }),
      expected: `
	This request has been marked as suitable for new contributors.

Please ensure the request meets the requirements listed [here](${url}#good-first-issue).

If this request no longer meets these requirements, the label can be removed
by commenting with the \`/remove-good-first-issue\` command.
`,
    },
  ];

  it.each(cases)('$name', ({ message, expected }) => {
    expect(message).toBe(expected);
  });
});

describe('help: comments, pruning, config', () => {
  it("/good-first-issue replies with Prow's message, quoting the comment under the issue's link, before the labels", async () => {
    // Prepare
    const gh = new MemoryGitHub();

    // Act
    const { outcome } = await run(gh, event({ body: '/good-first-issue' }));

    // Assess
    expect(gh.writes.map((w) => w.split(' ')[0])).toEqual(['createComment', 'addLabel', 'addLabel']);
    const body = gh.comments[0]!.body;
    expect(body.startsWith(`@Alice: ${goodFirstIssueMessage(config)}`)).toBe(true);
    expect(body).toContain(`In response to [this](https://github.com/${repo}/issues/1):\n\n>/good-first-issue`);
    expect(outcome).toEqual({ status: 'ran', reason: `/good-first-issue: ${goodFirstIssueLabel} and ${helpLabel} added` });
  });

  it("/remove-help deletes the bot's help and good-first-issue comments, not others'", async () => {
    // Prepare
    const gh = new MemoryGitHub().setLabels(ref, [helpLabel, goodFirstIssueLabel]);
    const botHelp = gh.addComment(ref, { user: 'skiff-bot', body: `@x: ${helpMessage(config)}` });
    const botGood = gh.addComment(ref, { user: 'skiff-bot', body: `@x: ${goodFirstIssueMessage(config)}` });
    gh.addComment(ref, { user: 'mallory', body: `quoting: ${helpMessage(config)}` });
    gh.addComment(ref, { user: 'skiff-bot', body: 'something else' });

    // Act
    const { outcome } = await run(gh, event({ body: '/remove-help' }));

    // Assess
    expect(gh.writes).toEqual([
      `removeLabel ${ref} ${helpLabel}`,
      `deleteComment ${repo} comment ${botHelp}`,
      `removeLabel ${ref} ${goodFirstIssueLabel}`,
      `deleteComment ${repo} comment ${botGood}`,
    ]);
    expect(gh.commentsOf(ref).map((c) => c.user)).toEqual(['mallory', 'skiff-bot']);
    expect(outcome?.reason).toBe(`/remove-help: ${helpLabel} removed, 1 bot comment deleted, ${goodFirstIssueLabel} removed, 1 bot comment deleted`);
  });

  it('/help costs one read (the labels) and two writes', async () => {
    // Prepare
    const gh = new MemoryGitHub();

    // Act
    await run(gh, event({ body: '/help' }));

    // Assess
    expect(gh.reads).toEqual([`getIssueLabels ${ref}`]);
    expect(gh.writes).toHaveLength(2);
  });

  it('/help on a pull request is skipped with why, and reads nothing', async () => {
    // Prepare
    const gh = new MemoryGitHub();

    // Act
    const { outcome } = await run(gh, event({ body: '/help', isPR: true }));

    // Assess
    expect(outcome).toEqual({ status: 'skipped', reason: 'help and good-first-issue labels are for issues, not pull requests' });
    expect(gh.calls).toEqual([]);
  });

  const configs = [
    { name: 'no section: Prow defaults', section: undefined, expected: { guidelinesUrl: defaultHelpGuidelinesUrl, guidelinesSummary: '' } },
    { name: 'empty url: defaulted, as Go reads ""', section: { help_guidelines_url: '' }, expected: { guidelinesUrl: defaultHelpGuidelinesUrl, guidelinesSummary: '' } },
    {
      name: 'both keys',
      section: { help_guidelines_url: 'https://example.com/help.md', help_guidelines_summary: 'Say why.' },
      expected: { guidelinesUrl: 'https://example.com/help.md', guidelinesSummary: 'Say why.' },
    },
  ];
  it.each(configs)('config: $name', ({ section, expected }) => {
    expect(helpConfigSchema.parse(section)).toEqual(expected);
  });

  it('config: a misspelt key is an error, not ignored', () => {
    expect(helpConfigSchema.safeParse({ help_guideline_url: 'https://example.com' }).success).toBe(false);
  });
});
