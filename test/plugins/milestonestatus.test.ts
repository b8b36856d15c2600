// The milestonestatus plugin through the command machinery: real issue_comment payloads,
// generalised as the hook generalises them, against an in-memory GitHub. Rows follow Prow's
// TestMilestoneStatus (milestonestatus_test.go: team `leads` for the repository, `admins` as the ''
// default), then the odd ones: several lines, case, quotes, edited comments, unknown statuses.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { repoMilestoneConfigSchema, type RepoMilestoneConfig } from '../../shared/plugins/milestone/config.js';
import { milestonestatus, statusRe, unknownStatusMessage, type MilestoneStatusGitHub } from '../../shared/plugins/milestonestatus/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'Codertocat', repo: 'Hello-World' };
const ref = 'Codertocat/Hello-World#1'; // the issue_comment example's issue
const org = repo.owner;

interface Case {
  name: string;
  body: string;
  commenter: string;
  expectedNewLabels: string[];
  shouldComment: boolean;
  /** The start of the reply's message (after `@user: `). */
  reply?: string;
  noRepoMaintainer?: boolean;
  action?: 'created' | 'edited';
  status?: Outcome['status'];
}

function commentEvent(body: string, login: string, action: 'created' | 'edited' = 'created'): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  payload.comment.user.login = login;
  return generalizeComment('issue_comment', payload)!;
}

function seed(): MemoryGitHub {
  const github = new MemoryGitHub();
  github.setIssue(ref, {});
  github.setTeam(org, { name: 'Leads', slug: 'leads', members: ['sig-lead'] });
  github.setTeam(org, { name: 'Admins', slug: 'admins', members: ['default-sig-lead'] });
  return github;
}

const config = (noRepoMaintainer = false): RepoMilestoneConfig =>
  repoMilestoneConfigSchema.parse({ '': { maintainers_team: 'admins' }, ...(noRepoMaintainer ? {} : { [`${org}/Hello-World`]: { maintainers_team: 'leads' } }) });

const notAuthorized =
  `You must be a member of the [${org}/leads](https://github.com/orgs/${org}/teams/leads/members) GitHub team to add status labels. ` +
  'If you believe you should be able to issue the /status command, please contact your SIG Chairs/TLs and have them propose you as an additional delegate for this responsibility.';

const prowRows: Case[] = [
  { name: "Don't label when non sig-lead user approves", body: '/status approved-for-milestone', expectedNewLabels: [], commenter: 'sig-follow', shouldComment: true, reply: notAuthorized, status: 'refused' },
  { name: "Don't label when non sig-lead user marks in progress", body: '/status in-progress', expectedNewLabels: [], commenter: 'sig-follow', shouldComment: true, reply: notAuthorized, status: 'refused' },
  { name: "Don't label when non sig-lead user marks in review", body: '/status in-review', expectedNewLabels: [], commenter: 'sig-follow', shouldComment: true, reply: notAuthorized, status: 'refused' },
  { name: 'Label when sig-lead user approves', body: '/status approved-for-milestone', expectedNewLabels: ['status/approved-for-milestone'], commenter: 'sig-lead', shouldComment: false, status: 'ran' },
  { name: 'Label when sig-lead user marks in progress', body: '/status in-progress', expectedNewLabels: ['status/in-progress'], commenter: 'sig-lead', shouldComment: false, status: 'ran' },
  { name: 'Label when sig-lead user marks in review', body: '/status in-review', expectedNewLabels: ['status/in-review'], commenter: 'sig-lead', shouldComment: false, status: 'ran' },
  // Beyond Prow (which says nothing): the statuses there are.
  {
    name: "Don't label when sig-lead user marks invalid status",
    body: '/status in-valid',
    expectedNewLabels: [],
    commenter: 'sig-lead',
    shouldComment: true,
    reply: unknownStatusMessage(['in-valid']),
    status: 'refused',
  },
  { name: "Don't label when sig-lead user marks empty status", body: '/status ', expectedNewLabels: [], commenter: 'sig-lead', shouldComment: false },
  { name: 'Use default maintainer team when none is specified', body: '/status in-progress', expectedNewLabels: ['status/in-progress'], commenter: 'default-sig-lead', shouldComment: false, noRepoMaintainer: true, status: 'ran' },
  { name: "Don't use default maintainer team when one is specified", body: '/status in-progress', expectedNewLabels: [], commenter: 'default-sig-lead', shouldComment: true, reply: notAuthorized, status: 'refused' },
];

const moreRows: Case[] = [
  {
    name: 'every /status line counts, each label once',
    body: '/status in-progress\nsome text\n/status in-review\r\n/status in-progress',
    expectedNewLabels: ['status/in-progress', 'status/in-review'],
    commenter: 'sig-lead',
    shouldComment: false,
    status: 'ran',
  },
  {
    name: 'a known and an unknown status: the label, and one reply about the other',
    body: '/status in-review\n/status done',
    expectedNewLabels: ['status/in-review'],
    commenter: 'sig-lead',
    shouldComment: true,
    reply: unknownStatusMessage(['done']),
    status: 'ran',
  },
  { name: 'a quoted command does not fire', body: '> /status in-review', expectedNewLabels: [], commenter: 'sig-lead', shouldComment: false },
  { name: 'upper case does not fire (Prow has no (?i))', body: '/STATUS in-review', expectedNewLabels: [], commenter: 'sig-lead', shouldComment: false, status: 'skipped' },
  { name: 'the status is case-sensitive', body: '/status In-Review', expectedNewLabels: [], commenter: 'sig-lead', shouldComment: true, reply: unknownStatusMessage(['In-Review']), status: 'refused' },
  { name: 'trailing whitespace is trimmed, as Prow trims it', body: '/status in-review \t', expectedNewLabels: ['status/in-review'], commenter: 'sig-lead', shouldComment: false, status: 'ran' },
  { name: 'a glued command does not fire', body: '/statusin-review', expectedNewLabels: [], commenter: 'sig-lead', shouldComment: false },
  { name: 'a non-member is refused even for an unknown status, as in Prow', body: '/status whatever', expectedNewLabels: [], commenter: 'sig-follow', shouldComment: true, reply: notAuthorized, status: 'refused' },
  { name: 'an edited comment does not fire', body: '/status in-review', expectedNewLabels: [], commenter: 'sig-lead', shouldComment: false, action: 'edited', status: 'skipped' },
];

describe('milestonestatus', () => {
  it.each([...prowRows, ...moreRows])('$name', async (c) => {
    // Prepare
    const github = seed();
    const ctx = pluginContext<RepoMilestoneConfig | undefined, MilestoneStatusGitHub>({ github, config: config(c.noRepoMaintainer), repo });

    // Act
    const outcome = await runCommands(milestonestatus, ctx, commentEvent(c.body, c.commenter, c.action));

    // Assess
    expect(github.writes.filter((w) => w.startsWith('addLabel'))).toEqual(c.expectedNewLabels.map((l) => `addLabel ${ref} ${l}`));
    expect(github.labelsOf(ref)).toEqual(c.expectedNewLabels);
    expect(github.comments).toHaveLength(c.shouldComment ? 1 : 0);
    if (c.reply) expect(github.comments[0]!.body.startsWith(`@${c.commenter}: ${c.reply}`)).toBe(true);
    expect(outcome?.status).toBe(c.status);
  });

  it('the refusal says why, after Prow\'s sentence', async () => {
    // Prepare
    const github = seed();
    const ctx = pluginContext<RepoMilestoneConfig | undefined, MilestoneStatusGitHub>({ github, config: config(), repo });

    // Act
    await runCommands(milestonestatus, ctx, commentEvent('/status in-review', 'sig-follow'));

    // Assess
    expect(github.comments[0]!.body).toContain(`${notAuthorized} You are not an active member of ${org}/leads.`);
    expect(ctx.checks).toEqual([`member sig-follow of team ${org}/leads: no`]);
  });

  it('a failed label write throws, to be retried', async () => {
    // Prepare
    const github = seed();
    github.failNext('addLabel', new Error('502 from GitHub'));
    const ctx = pluginContext<RepoMilestoneConfig | undefined, MilestoneStatusGitHub>({ github, config: config(), repo });

    // Act
    const act = runCommands(milestonestatus, ctx, commentEvent('/status in-review', 'sig-lead'));

    // Assess
    await expect(act).rejects.toThrow('502 from GitHub');
  });
});

describe("Prow's statusRegex as Go reads it", () => {
  it.each([
    { body: '/status in-review', want: ['in-review'] },
    { body: '/status in-review\r\n/status in-progress', want: ['in-review\r', 'in-progress'] },
    { body: '/status \n/status in-review', want: ['/status in-review'] },
    { body: '/status in-review\u2028x', want: ['in-review\u2028x'] },
    { body: ' /status in-review', want: [] },
    { body: '/status ', want: [] },
  ])('$body', ({ body, want }) => {
    expect([...body.matchAll(statusRe)].map((m) => m[1])).toEqual(want);
  });
});
