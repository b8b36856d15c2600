// The milestone plugin through the command machinery: real issue_comment payloads, generalised as
// the hook generalises them, against an in-memory GitHub. Rows follow Prow's TestMilestoneStatus
// (milestone_test.go: team `leads` for the repository, `admins` as the '' default), then the odd
// ones: case, quotes, closed milestones, edited comments, teams by id, missing teams, the config.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { milestoneTeamFor, repoMilestoneConfigSchema, type RepoMilestoneConfig } from '../../shared/plugins/milestone/config.js';
import { invalidMilestoneMessage, milestone, milestoneRe, type MilestoneGitHub } from '../../shared/plugins/milestone/index.js';
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
  /** The issue's milestone number before (0: none). */
  previousMilestone?: number;
  /** Its milestone title after. */
  expectedMilestone: string | undefined;
  /** Prow's noRepoMaintainer: only the '' default entry. */
  noRepoMaintainer?: boolean;
  action?: 'created' | 'edited';
  /** The start of the reply's message (after `@user: `), when there is one. */
  reply?: string;
  status?: Outcome['status'];
}

const milestones = [
  { number: 1, title: 'v1.0' },
  { number: 10, title: 'v0.9' },
  { number: 11, title: 'v0.8', state: 'closed' as const },
];

function commentEvent(body: string, login: string, action: 'created' | 'edited' = 'created'): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  payload.comment.user.login = login;
  return generalizeComment('issue_comment', payload)!;
}

function seed(previous = 0): MemoryGitHub {
  const github = new MemoryGitHub();
  github.setMilestones(repo, milestones);
  github.setIssue(ref, { milestone: previous || null });
  github.setTeam(org, { name: 'Leads', slug: 'leads', members: ['sig-lead'] });
  github.setTeam(org, { name: 'Admins', slug: 'admins', members: ['default-sig-lead'] });
  return github;
}

const config = (noRepoMaintainer = false): RepoMilestoneConfig =>
  repoMilestoneConfigSchema.parse({ '': { maintainers_team: 'admins' }, ...(noRepoMaintainer ? {} : { [`${org}/Hello-World`]: { maintainers_team: 'leads' } }) });

async function run(github: MemoryGitHub, event: GenericCommentEvent, cfg: RepoMilestoneConfig | undefined) {
  const ctx = pluginContext<RepoMilestoneConfig | undefined, MilestoneGitHub>({ github, config: cfg, repo });
  const outcome = await runCommands(milestone, ctx, event);
  return { outcome, ctx };
}

const notAuthorized = `You must be a member of the [${org}/leads](https://github.com/orgs/${org}/teams/leads/members) GitHub team to set the milestone.`;
const invalid = invalidMilestoneMessage(['v1.0', 'v0.9']);

// Prow's rows: milestone 1 is v1.0 and 10 is v0.9 here (Prow's fake accepts any number).
const prowRows: Case[] = [
  { name: 'Update the milestone when a sig-lead uses the command', body: '/milestone v1.0', commenter: 'sig-lead', expectedMilestone: 'v1.0', status: 'ran' },
  { name: "Don't update the milestone if a sig-lead enters an invalid milestone", body: '/milestone v2.0', commenter: 'sig-lead', expectedMilestone: undefined, reply: invalid, status: 'refused' },
  { name: "Don't update the milestone when a sig-lead uses the command with an invalid milestone", body: '/milestone abc', commenter: 'sig-lead', expectedMilestone: undefined, reply: invalid, status: 'refused' },
  { name: "Don't update the milestone if a sig-follow enters a valid milestone", body: '/milestone v1.0', commenter: 'sig-follow', expectedMilestone: undefined, reply: notAuthorized, status: 'refused' },
  { name: 'Clear the milestone if a sig lead tries to clear', body: '/milestone clear', commenter: 'sig-lead', previousMilestone: 1, expectedMilestone: undefined, status: 'ran' },
  { name: "Don't clear the milestone if a sig follow tries to clear", body: '/milestone clear', commenter: 'sig-follow', previousMilestone: 10, expectedMilestone: 'v0.9', reply: notAuthorized, status: 'refused' },
  { name: 'Multiline comment', body: 'Foo\n/milestone v1.0\r\n/priority critical-urgent', commenter: 'sig-lead', previousMilestone: 10, expectedMilestone: 'v1.0', status: 'ran' },
  {
    name: 'Use default maintainer team when none is specified',
    body: 'Foo\n/milestone v1.0\r\n/priority critical-urgent',
    commenter: 'default-sig-lead',
    previousMilestone: 10,
    expectedMilestone: 'v1.0',
    noRepoMaintainer: true,
    status: 'ran',
  },
  {
    name: "Don't use default maintainer team when one is specified",
    body: 'Foo\n/milestone v1.0\r\n/priority critical-urgent',
    commenter: 'default-sig-lead',
    previousMilestone: 10,
    expectedMilestone: 'v0.9',
    reply: notAuthorized,
    status: 'refused',
  },
];

const moreRows: Case[] = [
  { name: 'a quoted command does not fire', body: '> /milestone v1.0', commenter: 'sig-lead', expectedMilestone: undefined },
  { name: 'upper case does not fire (Prow has no (?i))', body: '/MILESTONE v1.0', commenter: 'sig-lead', expectedMilestone: undefined, status: 'skipped' },
  { name: 'the title is case-sensitive', body: '/milestone V1.0', commenter: 'sig-lead', expectedMilestone: undefined, reply: invalid, status: 'refused' },
  { name: '`Clear` is a milestone name, not the keyword', body: '/milestone Clear', commenter: 'sig-lead', previousMilestone: 1, expectedMilestone: 'v1.0', reply: invalid, status: 'refused' },
  { name: 'trailing whitespace and \\r are not part of the name', body: '/milestone v1.0  \t\r', commenter: 'sig-lead', expectedMilestone: 'v1.0', status: 'ran' },
  { name: 'a glued command does not fire', body: '/milestonev1.0', commenter: 'sig-lead', expectedMilestone: undefined },
  // Go's `\s+(.+?)` gives back a space to `.+?`: Prow looks up a milestone named " " and lists them.
  { name: 'only spaces after it: the list, as in Prow', body: '/milestone   ', commenter: 'sig-lead', expectedMilestone: undefined, reply: invalid, status: 'refused' },
  { name: 'the first /milestone line counts', body: '/milestone v0.9\n/milestone v1.0', commenter: 'sig-lead', expectedMilestone: 'v0.9', status: 'ran' },
  { name: 'a name with spaces', body: '/milestone v1.0 final', commenter: 'sig-lead', expectedMilestone: undefined, reply: invalid, status: 'refused' },
  {
    name: 'a closed milestone is not valid, and the reply says it is closed',
    body: '/milestone v0.8',
    commenter: 'sig-lead',
    expectedMilestone: undefined,
    reply: `${invalid}\n\n\`v0.8\` is closed.`,
    status: 'refused',
  },
  { name: 'an edited comment does not fire', body: '/milestone v1.0', commenter: 'sig-lead', action: 'edited', expectedMilestone: undefined, status: 'skipped' },
  { name: 'team membership ignores login case', body: '/milestone v1.0', commenter: 'SIG-Lead', expectedMilestone: 'v1.0', status: 'ran' },
];

describe('milestone', () => {
  it.each([...prowRows, ...moreRows])('$name', async (c) => {
    // Prepare
    const github = seed(c.previousMilestone);
    const event = commentEvent(c.body, c.commenter, c.action);

    // Act
    const { outcome } = await run(github, event, config(c.noRepoMaintainer));

    // Assess
    expect(github.issueOf(ref).milestone).toBe(c.expectedMilestone);
    expect(outcome?.status).toBe(c.status);
    if (c.reply) {
      expect(github.comments).toHaveLength(1);
      expect(github.comments[0]!.body.startsWith(`@${c.commenter}: ${c.reply}`)).toBe(true);
      expect(github.comments[0]!.body).toContain(`>${c.body.split('\n')[0]}`);
    } else {
      expect(github.comments).toEqual([]);
    }
  });

  it('sets with one list and one write; clears with one write and no list', async () => {
    // Prepare
    const set = seed();
    const clear = seed(1);

    // Act
    await run(set, commentEvent('/milestone v1.0', 'sig-lead'), config());
    await run(clear, commentEvent('/milestone clear', 'sig-lead'), config());

    // Assess
    expect(set.writes).toEqual([`updateIssue ${ref} {"milestone":1}`]);
    expect(set.reads.filter((c) => c.startsWith('listMilestones'))).toHaveLength(1);
    expect(clear.writes).toEqual([`updateIssue ${ref} {"milestone":null}`]);
    expect(clear.reads.some((c) => c.startsWith('listMilestones'))).toBe(false);
  });

  it('a refusal says why: not an active member of the team', async () => {
    // Prepare
    const github = seed();

    // Act
    const { ctx } = await run(github, commentEvent('/milestone v1.0', 'sig-follow'), config());

    // Assess
    expect(github.comments[0]!.body).toContain(`please contact your SIG Chairs/TLs and have them propose you`);
    expect(github.comments[0]!.body).toContain(`You are not an active member of ${org}/leads.`);
    expect(ctx.checks).toContain(`member sig-follow of team ${org}/leads: no`);
  });

  it('a pending invitation to the team does not count', async () => {
    // Prepare
    const github = seed();
    github.setTeam(org, { name: 'Leads', slug: 'leads', members: [], pending: ['sig-lead'] });

    // Act
    const { outcome } = await run(github, commentEvent('/milestone v1.0', 'sig-lead'), config());

    // Assess
    expect(outcome?.status).toBe('refused');
    expect(github.issueOf(ref).milestone).toBeUndefined();
  });

  it('the deprecated maintainers_id finds the team by id', async () => {
    // Prepare
    const github = seed();
    const leads = (await github.listTeams(repo)).find((t) => t.slug === 'leads')!;
    const cfg = repoMilestoneConfigSchema.parse({ '': { maintainers_id: leads.id, maintainers_friendly_name: 'Release Team' } });

    // Act
    const member = await run(github, commentEvent('/milestone v1.0', 'sig-lead'), cfg);
    const stranger = await run(github, commentEvent('/milestone clear', 'sig-follow'), cfg);

    // Assess
    expect(member.outcome?.status).toBe('ran');
    expect(github.issueOf(ref).milestone).toBe('v1.0');
    expect(stranger.outcome?.status).toBe('refused');
    expect(github.comments[0]!.body).toContain(`[${org}/leads](https://github.com/orgs/${org}/teams/leads/members)`);
    expect(github.comments[0]!.body).toContain('please contact your Release Team');
  });

  it.each([
    { name: 'no repo_milestone at all', cfg: undefined, says: "names no milestone maintainers team for this repository and has no `''` default" },
    { name: 'a team the org does not have', cfg: { '': { maintainers_team: 'ghosts' } }, says: `The team \`${org}/ghosts\` named in \`repo_milestone\` does not exist` },
    { name: 'an id the org does not have', cfg: { '': { maintainers_id: 999999 } }, says: 'the team with id 999999' },
  ])('nobody can when there is no team: $name', async ({ cfg, says }) => {
    // Prepare
    const github = seed();

    // Act
    const { outcome } = await run(github, commentEvent('/milestone v1.0', 'sig-lead'), cfg === undefined ? undefined : repoMilestoneConfigSchema.parse(cfg));

    // Assess
    expect(outcome?.status).toBe('refused');
    expect(github.issueOf(ref).milestone).toBeUndefined();
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain(says);
  });

  it('no open milestones: the list is empty, as Prow says it', async () => {
    // Prepare
    const github = seed();
    github.setMilestones(repo, []);

    // Act
    await run(github, commentEvent('/milestone v1.0', 'sig-lead'), config());

    // Assess
    expect(github.comments[0]!.body).toContain('Milestones in this repository: []\n\nUse `/milestone clear` to clear the milestone.');
  });

  it('a failed write throws, to be retried', async () => {
    // Prepare
    const github = seed();
    github.failNext('updateIssue', new Error('502 from GitHub'));

    // Act
    const act = run(github, commentEvent('/milestone v1.0', 'sig-lead'), config());

    // Assess
    await expect(act).rejects.toThrow('502 from GitHub');
  });
});

describe("Prow's milestoneRegex as Go reads it", () => {
  it.each([
    { body: '/milestone v1.0', want: 'v1.0' },
    { body: 'x\n/milestone  v1.0 \r\ny', want: 'v1.0' },
    { body: '/milestone\tv1.0\rmore', want: 'v1.0\rmore' },
    { body: '/milestone\nv1.0', want: 'v1.0' },
    { body: '/milestone v1.0\u2028x', want: 'v1.0\u2028x' },
    { body: ' /milestone v1.0', want: undefined },
    { body: '/Milestone v1.0', want: undefined },
    { body: '/milestone', want: undefined },
    { body: '/milestone   ', want: ' ' },
  ])('$body', ({ body, want }) => {
    expect(milestoneRe.exec(body)?.[1]).toBe(want);
  });
});

describe('repo_milestone', () => {
  it('defaults the friendly name, reads both keys, and looks up org/repo then the default', () => {
    // Act
    const cfg = repoMilestoneConfigSchema.parse({
      '': { maintainers_team: 'milestone-maintainers', maintainers_friendly_name: 'Milestone Maintainers Team' },
      'acme/widgets': { maintainers_id: 42, extra_key: true },
      'acme/empty': null,
    });

    // Assess
    expect(milestoneTeamFor(cfg, 'acme', 'widgets')).toEqual({ team: '', teamId: 42, friendlyName: 'SIG Chairs/TLs' });
    expect(milestoneTeamFor(cfg, 'acme', 'gadgets')).toEqual({ team: 'milestone-maintainers', teamId: 0, friendlyName: 'Milestone Maintainers Team' });
    expect(milestoneTeamFor(cfg, 'acme', 'empty')).toEqual({ team: '', teamId: 0, friendlyName: 'SIG Chairs/TLs' });
    expect(milestoneTeamFor(cfg, 'ACME', 'widgets').team).toBe('milestone-maintainers');
    expect(milestoneTeamFor(cfg, 'acme', 'constructor').team).toBe('milestone-maintainers');
    expect(milestoneTeamFor(repoMilestoneConfigSchema.parse(undefined), 'acme', 'widgets')).toEqual({ team: '', teamId: 0, friendlyName: 'SIG Chairs/TLs' });
  });

  it.each([
    { name: 'a team id as a string', raw: { '': { maintainers_id: '42' } } },
    { name: 'a list instead of a mapping', raw: ['acme/widgets'] },
    { name: 'a number as a team', raw: { '': { maintainers_team: 7 } } },
  ])('refuses $name', ({ raw }) => {
    expect(repoMilestoneConfigSchema.safeParse(raw).success).toBe(false);
  });
});
