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
// The issue's labels start from the payload (see ../issue-labels.ts): an add of a label the
// payload lacks, and a remove of one it shows, are sent without a read — GitHub's label writes
// are idempotent, and each answers the issue's labels, which the next decision uses. The payload
// is a snapshot from when the comment was made, so a command handled in between may have changed
// the labels: before skipping an add as "already set", or refusing a remove as "not set on the
// issue", GitHub is asked (one read). Whether a remove took the last label of its type is read
// from the remove's answer. The repository's labels are reused for two minutes per container, and
// asked for again before a label is refused as missing from the repository.
import type { PullRequestEvent } from '@octokit/webhooks-types';
import { formatIssueRef, type GitHubClient, type IssueRef, type RepoLabel } from '../../github/client.js';
import type { GenericCommentEvent } from '../../hook/generic-comment.js';
import { IssueLabels } from '../issue-labels.js';
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

  const issueLabels = IssueLabels.of(e, () => ctx.github.getIssueLabels(ref));
  const repo = await repoLabelsOf(ctx, parsed.add.length > 0 || parsed.remove.length > 0);

  const r: Refusals = { restricted: [], unsupported: parsed.unsupported, missingInRepo: [], notOnIssue: [], triageAccepted: false };
  const added: string[] = [];
  const removedDone: string[] = [];
  const failures: { what: string; error: unknown }[] = [];
  // One failed write does not keep the others off (Prow logs and goes on); the failure is raised
  // afterwards so the event is retried, and the journal skips the writes already made.
  const write = async (what: string, change: { add?: string; remove?: string }, doWrite: () => Promise<string[] | undefined>) => {
    try {
      issueLabels.after(await doWrite(), change);
      return true;
    } catch (error) {
      // It may or may not have been made: what the issue has is no longer known.
      issueLabels.after(undefined, {});
      failures.push({ what, error });
      return false;
    }
  };
  const add = async (label: string) => {
    // Shown in the payload, it may have been removed since by a command handled in between: ask.
    if (issueLabels.has(label) && (await issueLabels.confirm()).has(label)) {
      ctx.note(`${label} is already set`);
      return;
    }
    const name = await repo.name(label);
    if (name === undefined) {
      r.missingInRepo.push(label);
      return;
    }
    if (label === triageAccepted && !(await ctx.trust.isOrgMember(login))) {
      r.triageAccepted = true;
      return;
    }
    const refusal = await restrictionOf(ctx, login, label, restricted);
    if (refusal) {
      r.restricted.push(refusal);
      return;
    }
    if (await write(`add ${name}`, { add: name }, () => ctx.github.addLabel(ref, name))) added.push(name);
  };

  for (const label of new Set(parsed.add)) await add(label);

  for (const label of new Set(parsed.remove)) {
    // Not in the payload, it may have been added since: ask before saying it is not there.
    if (!issueLabels.has(label) && !(await issueLabels.confirm()).has(label)) {
      r.notOnIssue.push(label);
      continue;
    }
    const name = issueLabels.name(label)!;
    // Prow: a label on the issue that the repository no longer has is left alone, silently.
    if ((await repo.name(label)) === undefined) {
      ctx.note(`${label} is not a label of the repository any more; left on`);
      continue;
    }
    const refusal = await restrictionOf(ctx, login, label, restricted);
    if (refusal) {
      r.restricted.push(refusal);
      continue;
    }
    if (await write(`remove ${name}`, { remove: name }, () => ctx.github.removeLabel(ref, name))) removedDone.push(name);
  }

  // Prow: removing every label of a needs-type, and adding none, asks for one with needs-<type>.
  // Whether one is left is told by what the last remove answered (GitHub's labels after it), or,
  // when that is not known, by a read. Prow decides from what was asked, so a label whose removal
  // was refused (restricted) still brings needs-<type> there; here the label left keeps it off. The repository's cached list decides whether it has
  // needs-<type>: a needs label created within the cache's two minutes is missed, not refused.
  for (const type of needsTypes) {
    const needs = `needs-${type}`;
    if (!repo.has(needs)) continue;
    if (!ofType(parsed.remove, type).size || ofType(parsed.add, type).size) continue;
    if (ofType((await issueLabels.confirm()).names(), type).size) continue;
    await add(needs);
  }

  const refused = r.restricted.length + r.unsupported.length + r.missingInRepo.length + r.notOnIssue.length > 0 || r.triageAccepted;
  const supported = [...ctx.config.additionalLabels, ...[...restricted.keys()].sort()];
  if (refused) {
    const reply = replyTo(e, replyText(ctx, e, r, repo.names(), issueLabels.names(), supported));
    try {
      await ctx.github.createComment(ref, reply);
    } catch (error) {
      failures.push({ what: 'reply', error });
    }
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

/**
 * The repository's labels, from the container's cache (two minutes: github/etag-cache.ts). A
 * label missing from it is asked about once more, with a revalidating read, before the plugin
 * acts on its absence: one created a minute ago is then found. One revalidation per comment.
 */
async function repoLabelsOf(ctx: Ctx, needed: boolean) {
  let list: RepoLabel[] = needed ? await ctx.github.getRepoLabels(ctx.repo) : [];
  let byName = new Map(list.map((l) => [fold(l.name), l.name]));
  let revalidated = !needed;
  return {
    /** Whether the (possibly cached) list has it, without asking again. */
    has: (label: string) => byName.has(fold(label)),
    names: () => list.map((l) => l.name),
    /** The label as the repository spells it, or `undefined` when GitHub, asked again, says it has none. */
    async name(label: string): Promise<string | undefined> {
      if (!byName.has(fold(label)) && !revalidated) {
        revalidated = true;
        ctx.note(`${label} is not in the repository's labels as cached; asking GitHub again`);
        list = await ctx.github.getRepoLabels(ctx.repo, { revalidate: true });
        byName = new Map(list.map((l) => [fold(l.name), l.name]));
      }
      return byName.get(fold(label));
    },
  };
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
