// The label plugin against an in-memory GitHub, fed real webhook payloads retargeted to Prow's
// org/repo#1. The first table is Prow's TestHandleComment (label_test.go) row by row, in its
// world: Alice is an org member (and, where a row says, in team privileged-group), Bob and
// Mallory are not. Prow's columns become the exact label writes and the reply's sentence; one row
// differs on purpose and says why. The odd rows follow, then TestHandleLabelAdd and the config.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { labelConfigSchema, restrictedLabelsFor, type LabelConfig } from '../../shared/plugins/label/config.js';
import { label, triageAcceptedMessage } from '../../shared/plugins/label/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const repo = { owner: 'org', repo: 'repo' };
const issue = 'org/repo#1';
const orgMember = 'Alice';
const orgMemberAlt = 'Mallory';
const nonOrgMember = 'Bob';

type Action = 'created' | 'edited' | 'deleted';

/**
 * The issue_comment example, on org/repo#1, by `login`, saying `body`; `issue.labels` as GitHub
 * would send them (the issue's labels when the comment was made).
 */
function comment(body: string, login: string, action: Action = 'created', onPR = false, labels: readonly string[] = []): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action === 'created' ? 'created' : action);
  payload.repository.owner.login = repo.owner;
  payload.repository.name = repo.repo;
  payload.issue.number = 1;
  const template = payload.issue.labels[0];
  payload.issue.labels = labels.map((name, i) => ({ ...template, id: 1000 + i, name, default: false }));
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user, login };
  if (onPR) payload.issue.pull_request = { url: 'https://api.github.com/repos/org/repo/pulls/1' };
  return generalizeComment('issue_comment', payload)!;
}

type Restricted = Record<string, { label: string; allowed_teams?: string[]; allowed_users?: string[]; assign_on?: { label: string }[] }[]>;

interface Case {
  name: string;
  body: string;
  commenter?: string;
  extraLabels?: string[];
  restrictedLabels?: Restricted;
  repoLabels?: string[];
  issueLabels?: string[];
  /**
   * The payload's `issue.labels`, when they differ from the issue's (a command handled after the
   * comment was made changed them); by default the issue's.
   */
  payloadLabels?: string[];
  /** The GitHub reads the row costs (by method), when it says. */
  reads?: string[];
  added?: string[];
  removed?: string[];
  /** Prow's expectedBotComment; `commentText` is what the reply must contain. */
  botComment?: boolean;
  commentText?: string;
  action?: Action;
  /** Team privileged-group of org, with these members. */
  team?: string[];
  onPR?: boolean;
  status?: Outcome['status'] | undefined;
}

const bug = 'kind/bug';

// Prow's TestHandleComment, in its order.
const prowRows: Case[] = [
  { name: 'Irrelevant comment', body: 'irrelelvant', status: undefined },
  { name: 'Empty Area', body: '/area', repoLabels: ['area/infra'], issueLabels: ['area/infra'], status: 'skipped' },
  { name: 'Add Single Area Label', body: '/area infra', repoLabels: ['area/infra'], added: ['area/infra'] },
  { name: 'Add Single Area Label when already present on Issue', body: '/area infra', repoLabels: ['area/infra'], issueLabels: ['area/infra'], status: 'skipped' },
  { name: 'Add Single Priority Label', body: '/priority critical', repoLabels: ['area/infra', 'priority/critical'], added: ['priority/critical'] },
  { name: 'Add Single Kind Label', body: '/kind bug', repoLabels: ['area/infra', 'priority/critical', bug], added: [bug] },
  { name: 'Add Single Triage Label', body: '/triage needs-information', repoLabels: ['area/infra', 'triage/needs-information'], issueLabels: ['area/infra'], added: ['triage/needs-information'] },
  { name: 'Org member can add triage/accepted label', body: '/triage accepted', repoLabels: ['triage/accepted'], added: ['triage/accepted'] },
  {
    name: 'Non org member cannot add triage/accepted label',
    body: '/triage accepted',
    repoLabels: ['triage/accepted', 'kind/bug'],
    issueLabels: ['kind/bug'],
    commenter: nonOrgMember,
    botComment: true,
    commentText: 'The label `triage/accepted` cannot be applied. Only GitHub organization members can add the label.',
    status: 'refused',
  },
  {
    name: 'Non org member can add triage/needs-information label',
    body: '/triage needs-information',
    repoLabels: ['area/infra', 'triage/needs-information'],
    issueLabels: ['area/infra'],
    added: ['triage/needs-information'],
    commenter: nonOrgMember,
  },
  { name: 'Adding Labels is Case Insensitive', body: '/kind BuG', repoLabels: ['area/infra', 'priority/critical', bug], added: [bug] },
  { name: 'Adding Labels is Case Insensitive (lower case)', body: '/kind bug', repoLabels: ['area/infra', 'priority/critical', bug], added: [bug] },
  {
    name: "Can't Add Non Existent Label",
    body: '/priority critical',
    repoLabels: ['area/infra'],
    botComment: true,
    commentText: "The label(s) `priority/critical` cannot be applied, because the repository doesn't have them.",
    status: 'refused',
  },
  { name: "Non Org Member Can't Add (but can: anyone may add area labels)", body: '/area infra', repoLabels: ['area/infra', 'priority/critical', bug], added: ['area/infra'], commenter: nonOrgMember },
  {
    name: 'Command must start at the beginning of the line',
    body: '  /area infra',
    repoLabels: ['area/infra', 'area/api', 'priority/critical', 'priority/urgent', 'priority/important', bug],
    status: undefined,
  },
  {
    name: "Can't Add Labels Non Existing Labels",
    body: '/area lgtm',
    repoLabels: ['area/infra', 'area/api', 'priority/critical'],
    botComment: true,
    commentText: "The label(s) `area/lgtm` cannot be applied, because the repository doesn't have them.",
    status: 'refused',
  },
  { name: 'Add Multiple Area Labels', body: '/area api infra', repoLabels: ['area/infra', 'area/api', 'priority/critical', 'priority/urgent'], added: ['area/api', 'area/infra'] },
  {
    name: 'Add Multiple Area Labels one already present on Issue',
    body: '/area api infra',
    repoLabels: ['area/infra', 'area/api', 'priority/critical', 'priority/urgent'],
    issueLabels: ['area/api'],
    added: ['area/infra'],
  },
  { name: 'Add Multiple Priority Labels', body: '/priority critical important', repoLabels: ['priority/critical', 'priority/important'], added: ['priority/critical', 'priority/important'] },
  { name: 'Add Multiple Area Labels, With Trailing Whitespace', body: '/area api infra ', repoLabels: ['area/infra', 'area/api'], added: ['area/api', 'area/infra'] },
  {
    name: 'Label Prefix Must Match Command (Area-Priority Mismatch)',
    body: '/area urgent',
    repoLabels: ['area/infra', 'area/api', 'priority/critical', 'priority/urgent'],
    botComment: true,
    commentText: "The label(s) `area/urgent` cannot be applied, because the repository doesn't have them.",
    status: 'refused',
  },
  {
    name: 'Label Prefix Must Match Command (Priority-Area Mismatch)',
    body: '/priority infra',
    repoLabels: ['area/infra', 'area/api', 'priority/critical', 'priority/urgent'],
    botComment: true,
    commentText: "The label(s) `priority/infra` cannot be applied, because the repository doesn't have them.",
    status: 'refused',
  },
  {
    name: 'Add Multiple Area Labels (Some Valid)',
    body: '/area lgtm infra',
    repoLabels: ['area/infra', 'area/api'],
    added: ['area/infra'],
    botComment: true,
    commentText: "The label(s) `area/lgtm` cannot be applied, because the repository doesn't have them.",
  },
  {
    name: 'Add Multiple Committee Labels (Some Valid)',
    body: '/committee steering calamity',
    repoLabels: ['committee/conduct', 'committee/steering'],
    added: ['committee/steering'],
    botComment: true,
    commentText: "The label(s) `committee/calamity` cannot be applied, because the repository doesn't have them.",
  },
  {
    name: 'Non org member adds multiple triage labels (some valid)',
    body: '/triage needs-information accepted',
    repoLabels: ['triage/needs-information', 'triage/accepted'],
    added: ['triage/needs-information'],
    commenter: nonOrgMember,
    botComment: true,
    commentText: 'The label `triage/accepted` cannot be applied. Only GitHub organization members can add the label.',
  },
  { name: 'Add Multiple Types of Labels Different Lines', body: '/priority urgent\n/area infra', repoLabels: ['area/infra', 'priority/urgent'], added: ['priority/urgent', 'area/infra'] },
  { name: 'Remove Area Label when no such Label on Repo', body: '/remove-area infra', botComment: true, commentText: 'Those labels are not set on the issue: `area/infra`', status: 'refused' },
  { name: 'Remove Area Label when no such Label on Issue', body: '/remove-area infra', repoLabels: ['area/infra'], botComment: true, status: 'refused' },
  { name: 'Remove Area Label', body: '/remove-area infra', repoLabels: ['area/infra'], issueLabels: ['area/infra'], removed: ['area/infra'] },
  {
    name: 'Remove Committee Label',
    body: '/remove-committee infinite-monkeys',
    repoLabels: ['area/infra', 'sig/testing', 'committee/infinite-monkeys'],
    issueLabels: ['area/infra', 'sig/testing', 'committee/infinite-monkeys'],
    removed: ['committee/infinite-monkeys'],
  },
  {
    name: 'Remove Kind Label',
    body: '/remove-kind api-server',
    repoLabels: ['area/infra', 'priority/high', 'kind/api-server', 'needs-kind'],
    issueLabels: ['area/infra', 'priority/high', 'kind/api-server'],
    added: ['needs-kind'],
    removed: ['kind/api-server'],
  },
  {
    name: 'Remove Priority Label',
    body: '/remove-priority high',
    repoLabels: ['area/infra', 'priority/high', 'needs-priority'],
    issueLabels: ['area/infra', 'priority/high'],
    added: ['needs-priority'],
    removed: ['priority/high'],
  },
  {
    name: 'Remove SIG Label',
    body: '/remove-sig testing',
    repoLabels: ['area/infra', 'sig/testing', 'needs-sig'],
    issueLabels: ['area/infra', 'sig/testing'],
    added: ['needs-sig'],
    removed: ['sig/testing'],
  },
  {
    name: 'Remove one of many SIG Label',
    body: '/remove-sig testing',
    repoLabels: ['area/infra', 'sig/testing', 'sig/node', 'sig/auth', 'needs-sig'],
    issueLabels: ['area/infra', 'sig/testing', 'sig/node', 'sig/auth'],
    removed: ['sig/testing'],
  },
  {
    name: 'Add and Remove SIG Label',
    body: '/remove-sig testing\n/sig node',
    repoLabels: ['area/infra', 'sig/testing', 'sig/node', 'needs-sig'],
    issueLabels: ['area/infra', 'sig/testing'],
    added: ['sig/node'],
    removed: ['sig/testing'],
  },
  { name: 'Remove WG Policy', body: '/remove-wg policy', repoLabels: ['area/infra', 'wg/policy'], issueLabels: ['area/infra', 'wg/policy'], removed: ['wg/policy'] },
  {
    name: 'Remove Triage Label',
    body: '/remove-triage needs-information accepted',
    repoLabels: ['area/infra', 'triage/needs-information', 'triage/accepted', 'needs-triage'],
    issueLabels: ['area/infra', 'triage/needs-information', 'triage/accepted'],
    added: ['needs-triage'],
    removed: ['triage/needs-information', 'triage/accepted'],
  },
  // Prow expects a reply here only because it splits `/remove-area  infra` on single spaces and
  // tries to remove `area/` too ("Those labels are not set on the issue: `area/`"); Skiff splits on
  // runs of whitespace, so there is nothing to reply.
  {
    name: 'Remove Multiple Labels (no reply: the double space is not an empty value)',
    body: '/remove-priority low high\n/remove-kind api-server\n/remove-area  infra',
    repoLabels: ['area/infra', 'priority/high', 'priority/low', 'kind/api-server'],
    issueLabels: ['area/infra', 'priority/high', 'priority/low', 'kind/api-server'],
    removed: ['priority/low', 'priority/high', 'kind/api-server', 'area/infra'],
    botComment: false,
  },
  { name: 'Add and Remove Label at the same time', body: '/remove-area infra\n/area test', repoLabels: ['area/infra', 'area/test'], issueLabels: ['area/infra'], added: ['area/test'], removed: ['area/infra'] },
  { name: 'Add and Remove the same Label', body: '/remove-area infra\n/area infra', repoLabels: ['area/infra'], issueLabels: ['area/infra'], removed: ['area/infra'] },
  {
    name: 'Multiple Add and Delete Labels',
    body: '/remove-area ruby\n/remove-kind srv\n/remove-priority l m\n/area go\n/kind cli\n/priority h',
    repoLabels: ['area/go', 'area/ruby', 'kind/cli', 'kind/srv', 'priority/h', 'priority/m', 'priority/l'],
    issueLabels: ['area/ruby', 'kind/srv', 'priority/l', 'priority/m'],
    added: ['area/go', 'kind/cli', 'priority/h'],
    removed: ['area/ruby', 'kind/srv', 'priority/l', 'priority/m'],
  },
  { name: 'Do nothing with empty /label command', body: '/label', extraLabels: ['orchestrator/foo', 'orchestrator/bar'], repoLabels: ['orchestrator/foo'], status: 'skipped' },
  { name: 'Do nothing with empty /remove-label command', body: '/remove-label', extraLabels: ['orchestrator/foo', 'orchestrator/bar'], repoLabels: ['orchestrator/foo'], status: 'skipped' },
  { name: 'Add custom label', body: '/label orchestrator/foo', extraLabels: ['orchestrator/foo', 'orchestrator/bar'], repoLabels: ['orchestrator/foo'], added: ['orchestrator/foo'] },
  { name: 'Add custom label with trailing space', body: '/label orchestrator/foo ', extraLabels: ['orchestrator/foo', 'orchestrator/bar'], repoLabels: ['orchestrator/foo'], added: ['orchestrator/foo'] },
  { name: 'Add custom label with trailing LF newline', body: '/label orchestrator/foo\n', extraLabels: ['orchestrator/foo', 'orchestrator/bar'], repoLabels: ['orchestrator/foo'], added: ['orchestrator/foo'] },
  { name: 'Add custom label with trailing CRLF newline', body: '/label orchestrator/foo\r\n', extraLabels: ['orchestrator/foo', 'orchestrator/bar'], repoLabels: ['orchestrator/foo'], added: ['orchestrator/foo'] },
  {
    name: 'Cannot add missing custom label',
    body: '/label orchestrator/foo',
    extraLabels: ['orchestrator/jar', 'orchestrator/bar'],
    repoLabels: ['orchestrator/foo'],
    botComment: true,
    commentText: 'The label(s) `/label orchestrator/foo` cannot be applied. These labels are supported: `orchestrator/jar, orchestrator/bar`',
    status: 'refused',
  },
  {
    name: 'Remove custom label',
    body: '/remove-label orchestrator/foo',
    extraLabels: ['orchestrator/foo', 'orchestrator/bar'],
    repoLabels: ['orchestrator/foo'],
    issueLabels: ['orchestrator/foo'],
    removed: ['orchestrator/foo'],
  },
  {
    name: 'Remove custom label with trailing space',
    body: '/remove-label orchestrator/foo ',
    extraLabels: ['orchestrator/foo', 'orchestrator/bar'],
    repoLabels: ['orchestrator/foo'],
    issueLabels: ['orchestrator/foo'],
    removed: ['orchestrator/foo'],
  },
  {
    name: 'Remove custom label with trailing LF newline',
    body: '/remove-label orchestrator/foo\n',
    extraLabels: ['orchestrator/foo', 'orchestrator/bar'],
    repoLabels: ['orchestrator/foo'],
    issueLabels: ['orchestrator/foo'],
    removed: ['orchestrator/foo'],
  },
  {
    name: 'Remove custom label with trailing CRLF newline',
    body: '/remove-label orchestrator/foo\r\n',
    extraLabels: ['orchestrator/foo', 'orchestrator/bar'],
    repoLabels: ['orchestrator/foo'],
    issueLabels: ['orchestrator/foo'],
    removed: ['orchestrator/foo'],
  },
  {
    name: 'Cannot remove missing custom label',
    body: '/remove-label orchestrator/jar',
    extraLabels: ['orchestrator/foo', 'orchestrator/bar'],
    repoLabels: ['orchestrator/foo'],
    issueLabels: ['orchestrator/foo'],
    botComment: true,
    commentText: 'The label(s) `/remove-label orchestrator/jar` cannot be applied. These labels are supported: `orchestrator/foo, orchestrator/bar`',
    status: 'refused',
  },
  { name: "Don't comment when deleting label addition", body: '/kind bug', repoLabels: ['area/infra', 'priority/critical', bug], action: 'deleted', status: 'skipped' },
  {
    name: "Don't comment when deleting label removal",
    body: '/remove-committee infinite-monkeys',
    repoLabels: ['area/infra', 'sig/testing', 'committee/infinite-monkeys'],
    issueLabels: ['area/infra', 'sig/testing', 'committee/infinite-monkeys'],
    action: 'deleted',
    status: 'skipped',
  },
  { name: "Don't take action while editing body", body: '/kind bug', repoLabels: [bug], action: 'edited', status: 'skipped' },
  { name: 'Strip markdown comments', body: '\n<!--\n/kind bug\n/kind cleanup\n-->\n/area infra\n', repoLabels: ['area/infra'], added: ['area/infra'] },
  {
    name: 'Strip markdown comments non greedy',
    body: '\n<!--\n/kind bug\n-->\n/kind cleanup\n<!--\n/area infra\n-->\n/kind regression\n',
    repoLabels: ['kind/cleanup', 'kind/regression'],
    added: ['kind/cleanup', 'kind/regression'],
  },
  {
    name: 'Restricted label addition, user is not in allowed_teams',
    body: '/label restricted-label',
    repoLabels: ['restricted-label'],
    restrictedLabels: { org: [{ label: 'restricted-label', allowed_teams: ['privileged-group'] }] },
    botComment: true,
    commentText:
      'The label(s) `restricted-label` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user. Must be a member of one of these teams: privileged-group',
    status: 'refused',
  },
  {
    name: 'Restricted label addition, user is not in allowed_users and allowed_teams is empty',
    body: '/label restricted-label',
    repoLabels: ['restricted-label'],
    restrictedLabels: { org: [{ label: 'restricted-label', allowed_users: [orgMemberAlt] }] },
    botComment: true,
    commentText:
      'The label(s) `restricted-label` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user. Consider assigning one of the following members: Mallory',
    status: 'refused',
  },
  {
    name: 'Restricted label addition, user is in allowed_teams',
    body: '/label restricted-label',
    repoLabels: ['restricted-label'],
    restrictedLabels: { org: [{ label: 'restricted-label', allowed_teams: ['privileged-group'] }] },
    team: [orgMember],
    added: ['restricted-label'],
  },
  {
    name: 'Restricted label addition, user is in allowed_users',
    body: '/label restricted-label',
    repoLabels: ['restricted-label'],
    restrictedLabels: { org: [{ label: 'restricted-label', allowed_users: [orgMember] }] },
    added: ['restricted-label'],
  },
  {
    name: 'Restricted label removal, user is not in allowed_teams',
    body: '/remove-label restricted-label',
    repoLabels: ['restricted-label'],
    issueLabels: ['restricted-label'],
    restrictedLabels: { org: [{ label: 'restricted-label', allowed_teams: ['privileged-group'] }] },
    botComment: true,
    commentText:
      'The label(s) `restricted-label` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user. Must be a member of one of these teams: privileged-group',
    status: 'refused',
  },
  {
    name: 'Restricted label removal, user is not in allowed_users and allowed_teams is empty',
    body: '/remove-label restricted-label',
    repoLabels: ['restricted-label'],
    issueLabels: ['restricted-label'],
    restrictedLabels: { org: [{ label: 'restricted-label', allowed_users: [orgMemberAlt] }] },
    botComment: true,
    commentText:
      'The label(s) `restricted-label` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user. Consider assigning one of the following members: Mallory',
    status: 'refused',
  },
  {
    name: 'Restricted label removal, user is in allowed_teams',
    body: '/remove-label restricted-label',
    repoLabels: ['restricted-label'],
    issueLabels: ['restricted-label'],
    restrictedLabels: { org: [{ label: 'restricted-label', allowed_teams: ['privileged-group'] }] },
    team: [orgMember],
    removed: ['restricted-label'],
  },
  {
    name: 'Restricted label removal, user is in allowed_users',
    body: '/remove-label restricted-label',
    repoLabels: ['restricted-label'],
    issueLabels: ['restricted-label'],
    restrictedLabels: { org: [{ label: 'restricted-label', allowed_users: [orgMember] }] },
    removed: ['restricted-label'],
  },
];

// Beyond Prow's table: quotes, case, glued words, lines, several values, odd whitespace.
const oddRows: Case[] = [
  { name: '> /kind bug in a quote does nothing', body: '> /kind bug', repoLabels: [bug], status: undefined },
  { name: '`/kind bug` in inline code does nothing', body: 'type `/kind bug`', repoLabels: [bug], status: undefined },
  { name: '/KIND Bug: the command word is read without case too', body: '/KIND Bug', repoLabels: [bug], added: [bug] },
  { name: '/kind<TAB>bug', body: '/kind\tbug', repoLabels: [bug], added: [bug] },
  { name: '/kind bug\\r (CRLF) on a later line', body: 'Thanks!\r\n/kind bug\r\n', repoLabels: [bug], added: [bug] },
  { name: '/signed off is not /sig (Prow would add sig/off)', body: '/signed off', repoLabels: ['sig/off'], status: undefined },
  { name: '/area-foo bar is not /area (Prow would add area/bar)', body: '/area-foo bar', repoLabels: ['area/bar'], status: undefined },
  { name: '/area alone, then /kind bug: two lines (Prow would add area/bug)', body: '/area\n/kind bug', repoLabels: ['area/bug', bug], added: [bug] },
  { name: '/labelfoo is not /label', body: '/labelfoo', extraLabels: ['labelfoo'], repoLabels: ['labelfoo'], status: undefined },
  {
    name: '/label a b c with b not configured adds a and c and names b',
    body: '/label a b c',
    extraLabels: ['a', 'c'],
    repoLabels: ['a', 'b', 'c'],
    added: ['a', 'c'],
    botComment: true,
    commentText: 'The label(s) `/label b` cannot be applied. These labels are supported: `a, c`',
  },
  {
    name: '/area a b c with no area/b adds area/a and area/c, and says which area labels exist',
    body: '/area a b c',
    repoLabels: ['area/a', 'area/c', 'kind/bug'],
    added: ['area/a', 'area/c'],
    botComment: true,
    commentText: "The label(s) `area/b` cannot be applied, because the repository doesn't have them. Its `area/*` labels are: `area/a`, `area/c`.",
  },
  {
    name: 'a missing label of a type the repository has none of',
    body: '/wg policy',
    repoLabels: ['kind/bug'],
    botComment: true,
    commentText: "The label(s) `wg/policy` cannot be applied, because the repository doesn't have them. It has no `wg/*` labels.",
    status: 'refused',
  },
  {
    name: 'removing a label not set lists the labels that are',
    body: '/remove-kind bug',
    repoLabels: [bug, 'kind/cleanup'],
    issueLabels: ['kind/cleanup'],
    botComment: true,
    commentText: 'Those labels are not set on the issue: `kind/bug`. Its labels are: `kind/cleanup`.',
    status: 'refused',
  },
  {
    name: 'the repository spelling of a label is used (Kind/Bug)',
    body: '/kind bug',
    repoLabels: ['Kind/Bug'],
    added: ['Kind/Bug'],
  },
  {
    name: 'removing the last kind label, spelled with capitals on the issue, still adds needs-kind',
    body: '/remove-kind bug',
    repoLabels: ['Kind/Bug', 'needs-kind'],
    issueLabels: ['Kind/Bug'],
    added: ['needs-kind'],
    removed: ['Kind/Bug'],
  },
  { name: 'no needs-kind when the repository lacks it', body: '/remove-kind bug', repoLabels: [bug], issueLabels: [bug], removed: [bug] },
  { name: 'needs-area does not exist in Prow: removing the last area adds nothing', body: '/remove-area infra', repoLabels: ['area/infra', 'needs-area'], issueLabels: ['area/infra'], removed: ['area/infra'] },
  {
    name: 'a restricted area label: the type commands check restrictions too',
    body: '/area secret',
    repoLabels: ['area/secret'],
    restrictedLabels: { '*': [{ label: 'Area/Secret', allowed_teams: ['privileged-group'], allowed_users: ['carol'] }] },
    botComment: true,
    commentText: 'Must be a member of one of these teams: privileged-group, or be one of these users: carol',
    status: 'refused',
  },
  {
    name: 'a restricted label with nobody allowed says so',
    body: '/label locked',
    repoLabels: ['locked'],
    restrictedLabels: { 'org/repo': [{ label: 'locked' }] },
    botComment: true,
    commentText: 'Nobody can: the label has no allowed_teams or allowed_users in `restricted_labels`.',
    status: 'refused',
  },
  {
    name: 'several refusals make one reply',
    body: '/triage accepted\n/area nope\n/remove-kind bug',
    commenter: nonOrgMember,
    repoLabels: ['triage/accepted'],
    botComment: true,
    commentText: "The label(s) `area/nope` cannot be applied, because the repository doesn't have them.",
    status: 'refused',
  },
  { name: 'a PR comment labels the pull request the same way', body: '/kind bug', repoLabels: [bug], added: [bug], onPR: true },
];

// The payload's labels, and GitHub's when they differ: a command handled after this comment was
// made changed them. `reads` is what each row may cost: the repository's labels always (a
// container's cache spares most of those, see the pipeline test), the issue's only where the
// payload would have the plugin do nothing or refuse.
const payloadRows: Case[] = [
  { name: 'payload: an add the payload lacks is sent with no read of the issue', body: '/kind bug', repoLabels: [bug], issueLabels: ['area/infra'], added: [bug], reads: ['getRepoLabels'] },
  {
    name: 'payload: a remove the payload shows is sent with no read of the issue',
    body: '/remove-kind bug',
    repoLabels: [bug],
    issueLabels: [bug, 'area/infra'],
    removed: [bug],
    reads: ['getRepoLabels'],
  },
  {
    name: 'payload stale: it lacks a label an earlier command added; the remove reads the issue and removes it',
    body: '/remove-kind bug',
    repoLabels: [bug],
    issueLabels: [bug],
    payloadLabels: [],
    removed: [bug],
    reads: ['getRepoLabels', 'getIssueLabels'],
  },
  {
    name: 'payload stale: it shows a label an earlier command removed; the add reads the issue and adds it',
    body: '/kind bug',
    repoLabels: [bug],
    issueLabels: [],
    payloadLabels: [bug],
    added: [bug],
    reads: ['getRepoLabels', 'getIssueLabels'],
  },
  {
    name: 'payload stale: it lacks a label an earlier command added; the add is sent anyway (GitHub changes nothing)',
    body: '/kind bug',
    repoLabels: [bug],
    issueLabels: [bug],
    payloadLabels: [],
    added: [bug],
    reads: ['getRepoLabels'],
  },
  {
    name: 'payload stale: a remove of a label it shows but GitHub no longer has is sent; the 404 is done',
    body: '/remove-kind bug',
    repoLabels: [bug],
    issueLabels: [],
    payloadLabels: [bug],
    removed: [bug],
    reads: ['getRepoLabels'],
  },
  {
    name: 'the payload shows the label and GitHub agrees: no add, one read',
    body: '/area infra',
    repoLabels: ['area/infra'],
    issueLabels: ['area/infra'],
    status: 'skipped',
    reads: ['getRepoLabels', 'getIssueLabels'],
  },
  {
    name: 'a remove neither the payload nor GitHub shows is refused after one read',
    body: '/remove-kind bug',
    repoLabels: [bug],
    issueLabels: ['area/infra'],
    botComment: true,
    commentText: 'Those labels are not set on the issue: `kind/bug`. Its labels are: `area/infra`.',
    status: 'refused',
    reads: ['getRepoLabels', 'getIssueLabels'],
  },
  {
    name: 'needs-kind from the remove’s answer: no kind label left, no read of the issue',
    body: '/remove-kind bug',
    repoLabels: [bug, 'kind/feature', 'needs-kind'],
    issueLabels: [bug, 'area/infra'],
    removed: [bug],
    added: ['needs-kind'],
    reads: ['getRepoLabels'],
  },
  {
    name: 'needs-kind from the remove’s answer: a kind label added after the payload is left, so no needs-kind',
    body: '/remove-kind bug',
    repoLabels: [bug, 'kind/feature', 'needs-kind'],
    issueLabels: [bug, 'kind/feature'],
    payloadLabels: [bug],
    removed: [bug],
    reads: ['getRepoLabels'],
  },
  {
    name: 'needs-kind when the remove’s answer is not known (a 404): the issue is read',
    body: '/remove-kind bug',
    repoLabels: [bug, 'needs-kind'],
    issueLabels: [],
    payloadLabels: [bug],
    removed: [bug],
    added: ['needs-kind'],
    reads: ['getRepoLabels', 'getIssueLabels'],
  },
  {
    name: 'needs-kind stays off when the last kind label stays on: its removal was refused (Prow would add needs-kind)',
    body: '/remove-kind security',
    commenter: nonOrgMember,
    restrictedLabels: { org: [{ label: 'kind/security', allowed_users: [orgMember] }] },
    repoLabels: ['kind/security', 'needs-kind'],
    issueLabels: ['kind/security'],
    botComment: true,
    commentText: 'The label(s) `kind/security` cannot be applied or removed',
    status: 'refused',
  },
  {
    name: 'a label missing from the repository is asked about again before the refusal',
    body: '/kind nope',
    repoLabels: [bug],
    botComment: true,
    commentText: "The label(s) `kind/nope` cannot be applied, because the repository doesn't have them. Its `kind/*` labels are: `kind/bug`.",
    status: 'refused',
    reads: ['getRepoLabels', 'getRepoLabels'],
  },
];

interface World {
  repoLabels?: string[];
  issueLabels?: string[];
  team?: string[];
  config?: Record<string, unknown>;
}

function world(w: World) {
  const gh = new MemoryGitHub().setRepoLabels(repo, w.repoLabels ?? []).setOrgMembers('org', [orgMember]);
  if (w.issueLabels?.length) gh.setLabels(issue, w.issueLabels);
  if (w.team) gh.setTeam('org', { name: 'privileged-group', slug: 'privileged-group', members: w.team });
  const config = labelConfigSchema.parse(w.config ?? {});
  return { gh, ctx: pluginContext({ github: gh, config, repo }) };
}

const written = (gh: MemoryGitHub, method: string) =>
  gh.writes
    .filter((w) => w.startsWith(`${method} `))
    .map((w) => w.slice(`${method} ${issue} `.length))
    .sort();

describe('label: Prow TestHandleComment and the odd rows', () => {
  it.each([...prowRows, ...oddRows, ...payloadRows])('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({
      repoLabels: c.repoLabels,
      issueLabels: c.issueLabels,
      team: c.team,
      config: { additional_labels: c.extraLabels, restricted_labels: c.restrictedLabels },
    });
    const event = comment(c.body, c.commenter ?? orgMember, c.action, c.onPR, c.payloadLabels ?? c.issueLabels);

    // Act
    const outcome = await runCommands(label, ctx, event);

    // Assess
    expect(written(gh, 'addLabel')).toEqual([...(c.added ?? [])].sort());
    expect(written(gh, 'removeLabel')).toEqual([...(c.removed ?? [])].sort());
    const replies = gh.comments.map((x) => x.body);
    expect(replies).toHaveLength(c.botComment ? 1 : 0);
    if (c.botComment) expect(replies[0]).toMatch(new RegExp(`^@${c.commenter ?? orgMember}: `));
    if (c.commentText) expect(replies[0]).toContain(c.commentText);
    const expected = 'status' in c ? c.status : c.added?.length || c.removed?.length ? 'ran' : 'refused';
    expect(outcome?.status).toBe(expected);
    if (c.reads) expect(gh.reads.map((call) => call.split(' ')[0])).toEqual(c.reads);
  });

  it('a refusal quotes the comment and says why the user cannot (triage/accepted)', async () => {
    // Prepare
    const { gh, ctx } = world({ repoLabels: ['triage/accepted'] });

    // Act
    await runCommands(label, ctx, comment('/triage accepted', nonOrgMember));

    // Assess
    const [reply] = gh.comments.map((x) => x.body);
    expect(reply).toMatch(new RegExp(`^@Bob: ${triageAcceptedMessage.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&')} Bob is not a member of the org organization`));
    expect(reply).toContain('>/triage accepted');
    expect(ctx.checks).toContain('member Bob of org: no');
  });

  it("costs one read (the repository's labels) and one write for one label: the issue's labels are the payload's", async () => {
    // Prepare
    const { gh, ctx } = world({ repoLabels: [bug] });

    // Act
    await runCommands(label, ctx, comment('/kind bug', orgMember));

    // Assess
    expect(gh.calls).toEqual(['getRepoLabels org/repo', 'addLabel org/repo#1 kind/bug']);
  });

  it('asks GitHub for the repository\'s labels again, once, before refusing one as missing: a label just created is found', async () => {
    // Prepare: the first answer is a container's cached list, from before kind/feature was created.
    const { gh, ctx } = world({ repoLabels: [bug, 'kind/feature'] });
    const fresh = gh.getRepoLabels.bind(gh);
    gh.getRepoLabels = async (repoRef, options) => (options?.revalidate ? fresh(repoRef, options) : [{ name: bug, color: 'ededed', description: '' }]);

    // Act
    const outcome = await runCommands(label, ctx, comment('/kind feature nope', orgMember));

    // Assess: one revalidation for both, kind/feature added, only kind/nope refused.
    expect(gh.calls.filter((call) => call.startsWith('getRepoLabels'))).toEqual(['getRepoLabels org/repo (revalidated)']);
    expect(written(gh, 'addLabel')).toEqual(['kind/feature']);
    expect(gh.comments.map((x) => x.body)[0]).toContain("The label(s) `kind/nope` cannot be applied, because the repository doesn't have them.");
    expect(outcome).toMatchObject({ status: 'ran', reason: 'added kind/feature; not in the repository: kind/nope (replied)' });
  });

  it('an unsupported /label alone costs no label reads', async () => {
    // Prepare
    const { gh, ctx } = world({ repoLabels: [bug] });

    // Act
    await runCommands(label, ctx, comment('/label nope', orgMember));

    // Assess
    expect(gh.calls.map((c) => c.split(' ')[0])).toEqual(['createComment']);
  });

  it('a failed write does not keep the other labels off, and is raised for a retry', async () => {
    // Prepare
    const { gh, ctx } = world({ repoLabels: ['area/a', 'area/b'] });
    gh.failNext('addLabel', new Error('502 Bad Gateway'));

    // Act
    const run = runCommands(label, ctx, comment('/area a b', orgMember));

    // Assess
    await expect(run).rejects.toThrow('502 Bad Gateway');
    expect(written(gh, 'addLabel')).toEqual(['area/b']);
  });
});

/** The pull_request `labeled` example, on org/repo#1, with `name` added. */
function labeled(name: string, action = 'labeled') {
  const payload = samplePayload('pull_request', 'labeled');
  payload.action = action;
  payload.repository.owner.login = repo.owner;
  payload.repository.name = repo.repo;
  payload.number = 1;
  payload.pull_request.number = 1;
  payload.label = { ...payload.label, name };
  return payload as never;
}

// Prow's TestHandleLabelAdd, then the odd rows.
const labelAddRows: { name: string; restrictedLabels?: Restricted; labelAdded: string; action?: string; assigned: string[]; status: Outcome['status'] }[] = [
  { name: 'label added with no auto-assign configured', labelAdded: 'some-label', assigned: [], status: 'skipped' },
  {
    name: 'assign users for restricted label on label add',
    restrictedLabels: { org: [{ label: 'secondary-label', allowed_users: ['bill', 'sally'], assign_on: [{ label: 'initial-label' }] }] },
    labelAdded: 'initial-label',
    assigned: ['addAssignees org/repo#1 [bill, sally]'],
    status: 'ran',
  },
  {
    name: 'no assigned users on irrelevant label add',
    restrictedLabels: { org: [{ label: 'secondary-label', allowed_users: ['bill', 'sally'], assign_on: [{ label: 'initial-label' }] }] },
    labelAdded: 'other-label',
    assigned: [],
    status: 'skipped',
  },
  {
    name: 'the assign_on label matches without case',
    restrictedLabels: { '*': [{ label: 'secondary-label', allowed_users: ['bill'], assign_on: [{ label: 'Initial-Label' }] }] },
    labelAdded: 'initial-label',
    assigned: ['addAssignees org/repo#1 [bill]'],
    status: 'ran',
  },
  {
    name: 'an assign_on label of a restricted label with only teams assigns nobody',
    restrictedLabels: { org: [{ label: 'secondary-label', allowed_teams: ['leads'], assign_on: [{ label: 'initial-label' }] }] },
    labelAdded: 'initial-label',
    assigned: [],
    status: 'skipped',
  },
  {
    name: 'unlabeled does nothing',
    restrictedLabels: { org: [{ label: 'secondary-label', allowed_users: ['bill'], assign_on: [{ label: 'initial-label' }] }] },
    labelAdded: 'initial-label',
    action: 'unlabeled',
    assigned: [],
    status: 'skipped',
  },
  {
    name: 'another repository of another org is not configured',
    restrictedLabels: { other: [{ label: 'secondary-label', allowed_users: ['bill'], assign_on: [{ label: 'initial-label' }] }] },
    labelAdded: 'initial-label',
    assigned: [],
    status: 'skipped',
  },
];

describe('label: Prow TestHandleLabelAdd (assign_on)', () => {
  it.each(labelAddRows)('$name', async (c) => {
    // Prepare
    const { gh, ctx } = world({ config: { restricted_labels: c.restrictedLabels } });
    gh.setRole(repo, 'bill', 'write').setRole(repo, 'sally', 'write');

    // Act
    const outcome = await label.on!.pull_request!(ctx, labeled(c.labelAdded, c.action));

    // Assess
    expect(gh.writes).toEqual(c.assigned);
    expect(outcome?.status).toBe(c.status);
  });
});

describe('label: config', () => {
  it("reads kubernetes' label section, unknown keys and all", () => {
    // Prepare
    const yaml = parse(readFileSync(new URL('../fixtures/prow-configs/kubernetes/plugins.yaml', import.meta.url), 'utf8')) as { label: unknown };

    // Act
    const config = labelConfigSchema.parse({ ...(yaml.label as object), some_future_key: true });
    const restricted = restrictedLabelsFor(config, 'kubernetes', 'kubernetes');

    // Assess
    expect(config.additionalLabels).toContain('api-review');
    expect(restricted.get('official-cve-feed')).toMatchObject({ allowedTeams: ['security-response-committee'], allowedUsers: ['pushkarj'] });
    expect(restrictedLabelsFor(config, 'kubernetes', 'enhancements').has('tracked/yes')).toBe(true);
    expect(restrictedLabelsFor(config, 'kubernetes', 'website').size).toBe(0);
  });

  it("merges the entries for one label under '*', the org and the repository (Prow's RestrictedLabelsFor)", () => {
    // Prepare
    const config = labelConfigSchema.parse({
      restricted_labels: {
        '*': [{ label: 'Secret', allowed_users: ['bob'], assign_on: [{ label: 'a' }] }],
        org: [{ label: 'secret', allowed_users: ['alice'], allowed_teams: ['t1'] }],
        'org/repo': [{ label: 'SECRET', allowed_teams: ['t0'], assign_on: [{ label: 'b' }] }],
        constructor: null,
      },
    });

    // Act
    const merged = restrictedLabelsFor(config, 'org', 'repo').get('secret');

    // Assess
    expect(merged).toEqual({ label: 'Secret', allowedUsers: ['alice', 'bob'], allowedTeams: ['t0', 't1'], assignOn: [{ label: 'a' }, { label: 'b' }] });
    // Only '*' applies elsewhere, even to an org whose name is a property of every object.
    expect([...restrictedLabelsFor(config, 'constructor', 'x').keys()]).toEqual(['secret']);
    expect(restrictedLabelsFor(config, 'constructor', 'x').get('secret')?.allowedUsers).toEqual(['bob']);
  });

  it.each([
    { name: 'a restricted label without its label', section: { restricted_labels: { org: [{ allowed_users: ['a'] }] } } },
    { name: 'additional_labels not a list', section: { additional_labels: 'api-review' } },
    { name: 'allowed_users not a list', section: { restricted_labels: { org: [{ label: 'x', allowed_users: 'a' }] } } },
  ])('refuses $name', ({ section }) => {
    expect(labelConfigSchema.safeParse(section).success).toBe(false);
  });

  it('no section at all: nothing additional or restricted', () => {
    expect(labelConfigSchema.parse(undefined)).toEqual({ additionalLabels: [], restrictedLabels: {} });
  });
});
