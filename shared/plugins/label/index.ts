// label: `/kind bug`, `/area api infra`, `/remove-sig node`, `/label api-review`… add and remove
// labels on issues and pull requests, as Prow's label plugin (pkg/plugins/label/label.go): labels
// of the eight types, plus `label.additional_labels` and `label.restricted_labels` by `/label`.
// Anyone may use it, except that `triage/accepted` takes an org member and a restricted label
// one of its allowed teams or users. Removing the last label of kind, priority, sig or triage adds
// `needs-<type>` where the repository has that label. Adding a restricted label's `assign_on`
// label to a pull request assigns the restricted label's allowed users.
//
// A label must exist in the repository: the plugin never creates one (GitHub would). Whatever
// cannot be done is said in one reply, in Prow's words, with what does exist or who can; the rest
// of the comment is still carried out (`/area a b c` with no `area/b` adds `area/a` and `area/c`).
//
// The labels are read from GitHub, not from the payload: whether a label is already there, and
// whether one removed was the last of its type, must see the previous command's effect.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { formatIssueRef, type GitHubClient, type IssueRef } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { replyTo } from '../respond.js';
import type { CommandSpec, Outcome, Plugin, PluginContext } from '../types.js';
import { labelConfigSchema, restrictedLabelsFor, type LabelConfig, type RestrictedLabel } from './config.js';
import { labelTypes, needsTypes, ofType, parseCommands } from './parse.js';

export type { LabelConfig } from './config.js';

export type LabelGitHub = Pick<
  GitHubClient,
  'addLabel' | 'removeLabel' | 'getIssueLabels' | 'getRepoLabels' | 'createComment' | 'addAssignees' | 'isOrgMember' | 'listTeams' | 'isTeamMember'
>;

type Ctx = PluginContext<LabelConfig, LabelGitHub>;

/** Prow's labels.TriageAccepted: only org members may add it. */
export const triageAccepted = 'triage/accepted';

/** How many labels or users a reply lists at most (Prow shows up to 20 allowed users). */
const listed = 20;

const fold = (label: string) => label.toLowerCase();
const code = (items: readonly string[]) => items.map((i) => `\`${i}\``).join(', ');
const some = (items: readonly string[]) => (items.length > listed ? `${code(items.slice(0, listed))} and ${items.length - listed} more` : code(items));

// Prow's replies, word for word (label.go handleComment and canUserSetLabel).
export const unsupportedMessage = (lines: readonly string[], supported: readonly string[]) =>
  `The label(s) \`${lines.join(', ')}\` cannot be applied. These labels are supported: \`${supported.join(', ')}\`. ` +
  'Is this label configured under `labels -> additional_labels` or `labels -> restricted_labels` in `plugin.yaml`?';
export const missingInRepoMessage = (labels: readonly string[]) => `The label(s) \`${labels.join(', ')}\` cannot be applied, because the repository doesn't have them.`;
export const notOnIssueMessage = (labels: readonly string[]) => `Those labels are not set on the issue: \`${labels.join(', ')}\``;
export const triageAcceptedMessage = `The label \`${triageAccepted}\` cannot be applied. Only GitHub organization members can add the label.`;
export const restrictedMessage = (label: string) =>
  `The label(s) \`${label}\` cannot be applied or removed, because you are not in one of the allowed teams and are not an allowed user.`;

/** Prow's canUserSetLabel refusal: the sentence, then the teams, or else the users, that may. */
export function restrictedRefusal(label: string, restricted: RestrictedLabel): string {
  let message = restrictedMessage(label);
  if (restricted.allowedTeams.length) {
    message += ` Must be a member of one of these teams: ${restricted.allowedTeams.join(', ')}`;
    // Beyond Prow, which names only the teams: the users may set it too.
    if (restricted.allowedUsers.length) message += `, or be one of these users: ${restricted.allowedUsers.slice(0, listed).join(', ')}`;
  } else if (restricted.allowedUsers.length) {
    // Prow shows 20 users in random order; the first 20 in config order keep a retry's reply the same.
    message += ` Consider assigning one of the following members: ${restricted.allowedUsers.slice(0, listed).join(',')}`;
  } else {
    message += ' Nobody can: the label has no allowed_teams or allowed_users in `restricted_labels`.';
  }
  return message;
}

interface Refusals {
  restricted: string[];
  unsupported: string[];
  missingInRepo: string[];
  notOnIssue: string[];
  triageAccepted: boolean;
}

/** Whether `login` may set or remove `label` (Prow's canUserSetLabel); the refusal when not. */
async function restrictionOf(ctx: Ctx, login: string, label: string, restricted: Map<string, RestrictedLabel>): Promise<string | undefined> {
  const entry = restricted.get(label);
  if (!entry) return undefined;
  if (entry.allowedUsers.some((u) => fold(u) === fold(login))) return undefined;
  for (const team of entry.allowedTeams) if (await ctx.trust.isTeamMember(team, login)) return undefined;
  ctx.note(`${login} may not set the restricted label ${label}`);
  return restrictedRefusal(label, entry);
}

/** The one reply: Prow's sentences in Prow's order, each followed by what exists or who can. */
function replyText(ctx: Ctx, e: GenericCommentEvent, r: Refusals, repoLabels: readonly string[], issueLabels: readonly string[], supported: readonly string[]): string {
  const parts: string[] = [...r.restricted];
  if (r.unsupported.length) parts.push(unsupportedMessage(r.unsupported, supported));
  if (r.missingInRepo.length) {
    let text = missingInRepoMessage(r.missingInRepo);
    const types = [...new Set(r.missingInRepo.filter((l) => l.includes('/')).map((l) => l.slice(0, l.indexOf('/'))))];
    for (const type of types) {
      const existing = repoLabels.filter((l) => fold(l).startsWith(`${type}/`)).sort();
      text += existing.length ? ` Its \`${type}/*\` labels are: ${some(existing)}.` : ` It has no \`${type}/*\` labels.`;
    }
    parts.push(text);
  }
  if (r.notOnIssue.length) {
    parts.push(`${notOnIssueMessage(r.notOnIssue)}. ${issueLabels.length ? `Its labels are: ${some([...issueLabels].sort())}.` : 'It has no labels.'}`);
  }
  if (r.triageAccepted) {
    parts.push(`${triageAcceptedMessage} ${e.user.login} is not a member of the ${ctx.repo.owner} organization (or not visibly to me).`);
  }
  return parts.join('\n\n');
}

async function handleComment(ctx: Ctx, e: GenericCommentEvent): Promise<Outcome> {
  const ref: IssueRef = { ...e.repo, number: e.number };
  const login = e.user.login;
  const restricted = restrictedLabelsFor(ctx.config, ctx.repo.owner, ctx.repo.repo);
  const additional = new Set(ctx.config.additionalLabels.map(fold));
  const parsed = parseCommands(e.body, (label) => restricted.has(label) || additional.has(label));
  if (!parsed.add.length && !parsed.remove.length && !parsed.unsupported.length) {
    const reason = parsed.found ? 'a label command without labels' : 'no label command outside HTML comments';
    ctx.note(reason);
    return { status: 'skipped', reason };
  }

  const needReads = parsed.add.length > 0 || parsed.remove.length > 0;
  const [repoLabelList, issueLabelList] = needReads ? await Promise.all([ctx.github.getRepoLabels(ctx.repo), ctx.github.getIssueLabels(ref)]) : [[], []];
  const repoLabels = new Map(repoLabelList.map((l) => [fold(l.name), l.name]));
  const issueLabels = new Map(issueLabelList.map((l) => [fold(l), l]));

  const toAdd = [...parsed.add];
  const toRemove = parsed.remove;
  // Prow: removing every label of a needs-type, and adding none, asks for one with needs-<type>.
  for (const type of needsTypes) {
    const needs = `needs-${type}`;
    if (!repoLabels.has(needs)) continue;
    const removed = ofType(toRemove, type);
    if (!removed.size || ofType(toAdd, type).size) continue;
    if ([...ofType(issueLabels.keys(), type)].every((l) => removed.has(l))) toAdd.push(needs);
  }

  const r: Refusals = { restricted: [], unsupported: parsed.unsupported, missingInRepo: [], notOnIssue: [], triageAccepted: false };
  const added: string[] = [];
  const removedDone: string[] = [];
  const failures: { what: string; error: unknown }[] = [];
  // One failed write does not keep the others off (Prow logs and goes on); the failure is raised
  // afterwards so the event is retried, and the journal skips the writes already made.
  const write = async (what: string, doWrite: () => Promise<unknown>) => {
    try {
      await doWrite();
      return true;
    } catch (error) {
      failures.push({ what, error });
      return false;
    }
  };

  for (const label of new Set(toAdd)) {
    if (issueLabels.has(label)) {
      ctx.note(`${label} is already set`);
      continue;
    }
    const name = repoLabels.get(label);
    if (name === undefined) {
      r.missingInRepo.push(label);
      continue;
    }
    if (label === triageAccepted && !(await ctx.trust.isOrgMember(login))) {
      r.triageAccepted = true;
      continue;
    }
    const refusal = await restrictionOf(ctx, login, label, restricted);
    if (refusal) {
      r.restricted.push(refusal);
      continue;
    }
    if (await write(`add ${name}`, () => ctx.github.addLabel(ref, name))) added.push(name);
  }

  for (const label of new Set(toRemove)) {
    const name = issueLabels.get(label);
    if (name === undefined) {
      r.notOnIssue.push(label);
      continue;
    }
    // Prow: a label on the issue that the repository no longer has is left alone, silently.
    if (!repoLabels.has(label)) {
      ctx.note(`${label} is not a label of the repository any more; left on`);
      continue;
    }
    const refusal = await restrictionOf(ctx, login, label, restricted);
    if (refusal) {
      r.restricted.push(refusal);
      continue;
    }
    if (await write(`remove ${name}`, () => ctx.github.removeLabel(ref, name))) removedDone.push(name);
  }

  const refused = r.restricted.length + r.unsupported.length + r.missingInRepo.length + r.notOnIssue.length > 0 || r.triageAccepted;
  const supported = [...ctx.config.additionalLabels, ...[...restricted.keys()].sort()];
  if (refused) {
    const reply = replyTo(e, replyText(ctx, e, r, repoLabelList.map((l) => l.name), issueLabelList, supported));
    await write('reply', async () => void (await ctx.github.createComment(ref, reply)));
  }

  if (failures.length === 1) throw failures[0]!.error;
  if (failures.length) {
    const errors = failures.map((f) => f.error);
    throw new AggregateError(errors, `label failed ${failures.length} times on ${formatIssueRef(ref)}: ${failures.map((f) => `${f.what}: ${(f.error as Error).message}`).join('; ')}`);
  }

  const done = [...(added.length ? [`added ${added.join(', ')}`] : []), ...(removedDone.length ? [`removed ${removedDone.join(', ')}`] : [])];
  const declined = [
    ...(r.missingInRepo.length ? [`not in the repository: ${r.missingInRepo.join(', ')}`] : []),
    ...(r.notOnIssue.length ? [`not set: ${r.notOnIssue.join(', ')}`] : []),
    ...(r.unsupported.length ? [`not configured: ${r.unsupported.join(', ')}`] : []),
    ...(r.triageAccepted ? [`${triageAccepted}: ${login} is not an org member`] : []),
    ...(r.restricted.length ? [`restricted, ${login} not allowed: ${r.restricted.length} label(s)`] : []),
  ];
  const reason = [...done, ...declined.map((d) => `${d} (replied)`)].join('; ') || 'nothing to change: the labels were already as asked';
  if (done.length) return { status: 'ran', reason };
  return { status: refused ? 'refused' : 'skipped', reason };
}

/** Prow's handleLabelAdd: a pull request given an `assign_on` label gets the restricted label's users assigned. */
async function handleLabeled(ctx: Ctx, event: PullRequestEvent): Promise<Outcome> {
  if (event.action !== 'labeled') return { status: 'skipped', reason: `pull_request action "${event.action}" adds no label` };
  const added = event.label?.name ?? '';
  const ref: IssueRef = { ...ctx.repo, number: event.pull_request.number };
  const done: string[] = [];
  for (const restricted of restrictedLabelsFor(ctx.config, ctx.repo.owner, ctx.repo.repo).values()) {
    if (!restricted.assignOn.some((a) => fold(a.label) === fold(added))) continue;
    if (!restricted.allowedUsers.length) {
      ctx.note(`${added} is an assign_on label of ${restricted.label}, which has no allowed_users to assign`);
      continue;
    }
    // Assigning someone already assigned changes nothing, so no read first (as Prow).
    const assigned = new Set((await ctx.github.addAssignees(ref, restricted.allowedUsers)).map(fold));
    const missing = restricted.allowedUsers.filter((u) => !assigned.has(fold(u)));
    // No comment to reply to: Prow logs it, the trace says it.
    if (missing.length) ctx.note(`GitHub did not assign ${missing.join(', ')} (for ${restricted.label})`);
    done.push(`assigned ${restricted.allowedUsers.join(', ')} for ${restricted.label}`);
  }
  if (!done.length) return { status: 'skipped', reason: `${added} is no assign_on label` };
  return { status: 'ran', reason: `${added} added: ${done.join('; ')}` };
}

const who =
  'Anyone can trigger this command on issues and PRs. `triage/accepted` can only be added by org members. ' +
  'Restricted labels are only able to be added by teams and users in their configuration.';
const only = { actions: ['created' as const] };
const run: CommandSpec<LabelConfig, LabelGitHub>['run'] = (ctx, e) => handleComment(ctx, e);
const values = { pattern: '\\S+(?:[^\\S\\r\\n]+\\S+)*', optional: true };
const [first, ...others] = labelTypes;

export const label: Plugin<LabelConfig, LabelGitHub> = {
  name: 'label',
  description:
    "Adds and removes labels of the types 'area/*', 'committee/*', 'kind/*', 'language/*', 'priority/*', 'sig/*', 'triage/*' and 'wg/*' ('/kind bug'), " +
    "and the labels of label.additional_labels and label.restricted_labels ('/label api-review'). Restricted labels can only be set by their allowed teams and users, who can be assigned automatically when an assign_on label is added.",
  config: { key: 'label', schema: labelConfigSchema },
  // One handler reads the whole comment, so any of the four may come first.
  commands: [
    {
      name: first,
      aliases: others,
      arg: { ...values, usage: '<value>...' },
      description: "Adds the '<type>/<value>' label for each value, e.g. '/kind bug' adds 'kind/bug'.",
      examples: ['/kind bug', '/sig testing', '/language zh', '/area api infra'],
      who,
      only,
      run,
    },
    {
      name: `remove-${first}`,
      aliases: others.map((t) => `remove-${t}`),
      arg: { ...values, usage: '<value>...' },
      description: "Removes the '<type>/<value>' label for each value; removing the last kind, priority, sig or triage label adds 'needs-<type>' where the repository has it.",
      examples: ['/remove-area prow', '/remove-kind bug'],
      who,
      only,
      run,
    },
    {
      name: 'label',
      arg: { ...values, usage: '<label>...' },
      description: 'Adds labels listed in label.additional_labels or label.restricted_labels.',
      examples: ['/label foo-bar-baz'],
      who,
      only,
      run,
    },
    {
      name: 'remove-label',
      arg: { ...values, usage: '<label>...' },
      description: 'Removes labels listed in label.additional_labels or label.restricted_labels.',
      examples: ['/remove-label foo-bar-baz'],
      who,
      only,
      run,
    },
  ],
  on: {
    pull_request: handleLabeled,
  },
};
