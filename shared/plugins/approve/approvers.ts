// Who has approved a change, whether that is enough, whom to ask next, and the notification
// comment that says so: Prow's approvers.Approvers and GetMessage (kubernetes-sigs/prow
// pkg/plugins/approve/approvers/owners.go), ported as is, message text included, so a repository
// moving from Prow sees the same comment and the same `[APPROVALNOTIFIER]` marker.
import { goJoin } from '../../owners/go-path.js';
import { caseInsensitiveIntersection, type Owners, type SetMap } from './owners.js';

/** The title prefix of the notification comment, upper-cased into `[APPROVALNOTIFIER]`. */
export const approvalNotificationName = 'ApprovalNotifier';

export type ApprovalHow = 'LGTM' | 'Approved' | 'Author self-approved';

/** One approval on a change. */
export interface Approval {
  /** As written on GitHub (can include upper case). */
  readonly login: string;
  readonly how: ApprovalHow;
  /** Where they approved: the comment's or review's URL. */
  readonly reference: string;
  /** The approval also accepts a change with no associated issue (`/approve no-issue`). */
  readonly noIssue: boolean;
}

/** The approval as the notification shows it (Prow's Approval.String()). */
export const approvalLink = (a: Approval): string => `*<a href="${a.reference}" title="${a.how}">${a.login}</a>*`;

const sorted = (items: Iterable<string>): string[] => [...items].sort();

/** One OWNERS file of the change, as a line of the notification's list (`toString()`). */
export interface File {
  readonly approved: boolean;
  /** The OWNERS directory ("" for the root), or a file path when OWNERS filters name a `.md` file. */
  readonly filepath: string;
  readonly ownersFilename: string;
  /** Who approved this OWNERS file (or, when unapproved, approved part of its files). */
  readonly approvers: ReadonlySet<string>;
  /** The repository's web URL, `https://github.com/org/repo`. */
  readonly baseURL: string;
  readonly branch: string;
  toString(): string;
}

abstract class OwnersFileLine implements File {
  abstract readonly approved: boolean;
  constructor(
    readonly baseURL: string,
    readonly filepath: string,
    readonly ownersFilename: string,
    readonly approvers: ReadonlySet<string>,
    readonly branch: string,
  ) {}

  protected fullOwnersPath(): string {
    return this.filepath.endsWith('.md') ? this.filepath : goJoin(this.filepath, this.ownersFilename);
  }

  protected link(): string {
    return `${this.baseURL}/blob/${this.branch}/${this.fullOwnersPath()}`;
  }

  abstract toString(): string;
}

export class ApprovedFile extends OwnersFileLine {
  readonly approved = true;
  override toString(): string {
    return `- ~~[${this.fullOwnersPath()}](${this.link()})~~ [${sorted(this.approvers).join(',')}]\n`;
  }
}

export class UnapprovedFile extends OwnersFileLine {
  readonly approved = false;
  override toString(): string {
    if (this.approvers.size > 0) {
      return `- **[${this.fullOwnersPath()}](${this.link()})** [${sorted(this.approvers).join(',')}]\n  > Need more approvers for rest parts.\n`;
    }
    return `- **[${this.fullOwnersPath()}](${this.link()})**\n`;
  }
}

/** The approvals of one change, against its Owners. Logins are keyed lower-case. */
export class Approvers {
  /** The issue the pull request body references (0 for none). */
  associatedIssue = 0;
  /** Whether an associated issue (or a `no-issue` approval) is required. */
  requireIssue = false;
  /**
   * Whether a human added the approved label, which bypasses the rules. Called more than once per
   * decision, synchronously: look it up beforehand (Prow caches its GitHub lookup the same way).
   */
  manuallyApproved: () => boolean = () => false;

  private readonly approvals = new Map<string, Approval>();
  private readonly assignees = new Set<string>();

  constructor(readonly owners: Owners) {}

  // A later approval replaces an earlier one, except that a `no-issue` approval is not replaced by
  // a plain one.
  private add(login: string, how: ApprovalHow, reference: string, noIssue: boolean): void {
    const key = login.toLowerCase();
    if (this.approvals.get(key)?.noIssue && !noIssue) return;
    this.approvals.set(key, { login, how, reference, noIssue });
  }

  addLGTMer(login: string, reference: string, noIssue: boolean): void {
    this.add(login, 'LGTM', reference, noIssue);
  }

  addApprover(login: string, reference: string, noIssue: boolean): void {
    this.add(login, 'Approved', reference, noIssue);
  }

  addAuthorSelfApprover(login: string, reference: string, noIssue: boolean): void {
    this.add(login, 'Author self-approved', reference, noIssue);
  }

  removeApprover(login: string): void {
    this.approvals.delete(login.toLowerCase());
  }

  addAssignees(...logins: string[]): void {
    for (const login of logins) this.assignees.add(login.toLowerCase());
  }

  /** Logins of everyone who approved, lower-cased. */
  getCurrentApproversSet(): Set<string> {
    return new Set(this.approvals.keys());
  }

  /** Logins of everyone who approved, as written on GitHub. */
  getCurrentApproversSetCased(): Set<string> {
    return new Set([...this.approvals.values()].map((a) => a.login));
  }

  /** Lower-cased logins of the `no-issue` approvers who can approve at least one OWNERS file. */
  getNoIssueApproversSet(): Set<string> {
    return new Set(this.noIssueApprovers().keys());
  }

  /** OWNERS directory -> who (as written on GitHub) approved it. */
  getFilesApprovers(): SetMap {
    const current = this.getCurrentApproversSetCased();
    const filesApprovers: SetMap = new Map();
    // The GitHub logins come first so their case, not OWNERS', is kept.
    for (const [ownersFile, potential] of this.owners.getApprovers()) {
      filesApprovers.set(ownersFile, caseInsensitiveIntersection(current, potential));
    }
    return filesApprovers;
  }

  /** The `no-issue` approvals (by lower-cased login) of people who can approve one of the files. */
  noIssueApprovers(): Map<string, Approval> {
    const reverseMap = this.owners.getReverseMap(this.owners.getApprovers());
    const result = new Map<string, Approval>();
    for (const [login, approval] of this.approvals) {
      if (!approval.noIssue) continue;
      if ((reverseMap.get(login)?.size ?? 0) === 0) continue;
      result.set(login, approval);
    }
    return result;
  }

  /** OWNERS directories still needing approval. */
  unapprovedFiles(): Set<string> {
    return this.owners.unapprovedFilesFor(this.getCurrentApproversSetCased());
  }

  /** Each OWNERS file needed, sorted, approved or not; `baseURL` is the repository's web URL. */
  getFiles(baseURL: string, branch: string): File[] {
    const filesApprovers = this.getFilesApprovers();
    const unapproved = this.unapprovedFiles();
    const ownersFilename = this.owners.repo.filenames().owners;
    return [...this.owners.getOwnersSet()].sort().map((file) => {
      const approvers = filesApprovers.get(file) ?? new Set<string>();
      return unapproved.has(file)
        ? new UnapprovedFile(baseURL, file, ownersFilename, approvers, branch)
        : new ApprovedFile(baseURL, file, ownersFilename, approvers, branch);
    });
  }

  /**
   * Whom to ask for approval, sorted and lower-cased: approvers suggested (from the closest OWNERS
   * files, in seeded order) for what neither the approvers nor the assignees cover, plus the
   * assignees who still help once those are counted (any OWNERS file up the tree, so an assigned
   * root approver is kept).
   */
  getCCs(): string[] {
    const randomized = this.owners.getShuffledApprovers();
    const current = this.getCurrentApproversSet();
    const approversAndAssignees = new Set([...current, ...this.assignees]);
    const leafReverseMap = this.owners.getReverseMap(this.owners.getLeafApprovers());
    const suggested = this.owners.keepCoveringApprovers(leafReverseMap, approversAndAssignees, randomized);
    const approversAndSuggested = new Set([...current, ...suggested]);
    const everyone = new Set([...approversAndSuggested, ...this.assignees]);
    const fullReverseMap = this.owners.getReverseMap(this.owners.getApprovers());
    const keepAssignees = this.owners.keepCoveringApprovers(fullReverseMap, approversAndSuggested, sorted(everyone));
    return sorted(new Set([...suggested, ...keepAssignees]));
  }

  /** Whether every OWNERS file needed is approved; a change with no files is not. */
  areFilesApproved(): boolean {
    return this.owners.filenames.length !== 0 && this.unapprovedFiles().size === 0;
  }

  /** Files approved, and an issue associated, not required, or waived by a `no-issue` approver. */
  requirementsMet(): boolean {
    return this.areFilesApproved() && (!this.requireIssue || this.associatedIssue !== 0 || this.noIssueApprovers().size !== 0);
  }

  /** requirementsMet(), or a human added the approved label. */
  isApproved(): boolean {
    return this.requirementsMet() || this.manuallyApproved();
  }

  /** The approvals, sorted by lower-cased login. */
  listApprovals(): Approval[] {
    return sorted(this.approvals.keys()).map((login) => this.approvals.get(login)!);
  }

  /** The counted `no-issue` approvals, sorted by lower-cased login. */
  listNoIssueApprovals(): Approval[] {
    return sorted(this.getNoIssueApproversSet()).map((login) => this.approvals.get(login)!);
  }

  /** CCs who are already assigned. */
  assignedCCs(): string[] {
    return this.getCCs().filter((cc) => this.assignees.has(cc));
  }

  /** CCs who are not assigned yet. */
  suggestedCCs(): string[] {
    return this.getCCs().filter((cc) => !this.assignees.has(cc));
  }
}

export interface MessageLinks {
  /** GitHub's web root, `https://github.com` (Prow's github.link_url); its path is replaced by org/repo. */
  linkURL: string | URL;
  /** The command help page (Prow's approve.commandHelpLink), e.g. `https://go.k8s.io/bot-commands`. */
  commandHelpLink: string;
  /** The review process page (Prow's approve.prProcessLink). */
  prProcessLink: string;
  org: string;
  repo: string;
  /** The pull request's base branch, for the OWNERS links. */
  branch: string;
}

const userLinks = (logins: readonly string[]) => logins.map((cc) => `[${cc}](https://github.com/${cc})`).join(', ');

/**
 * The notification comment: approved or not, who approved, whom to ask, the issue requirement, and
 * each OWNERS file needed (struck through once approved), then the machine-readable suggestions.
 * The text, blank lines included, is Prow's template's output.
 */
export function getMessage(ap: Approvers, links: MessageLinks): string {
  const url = new URL(links.linkURL);
  url.pathname = `/${links.org}/${links.repo}`;
  const repoURL = url.href;

  const manually = ap.manuallyApproved();
  const filesApproved = ap.areFilesApproved();
  const once = '**Once this PR has been reviewed and has the lgtm label**';
  const process = `For more information see [the Code Review Process](${links.prProcessLink}).`;

  let m = '';
  if (!ap.requirementsMet() && manually) m += '\nApproval requirements bypassed by manually added approval.\n\n';
  m += 'This pull-request has been approved by:' + ap.listApprovals().map((a, i) => (i ? ', ' : ' ') + approvalLink(a)).join('');
  if (!filesApproved && !manually) {
    m += '\n';
    const suggested = ap.suggestedCCs();
    const assigned = ap.assignedCCs();
    if (suggested.length > 0 && assigned.length > 0) {
      m += `${once}, please ask for approval from ${userLinks(assigned)} and additionally assign ${userLinks(suggested)} for approval. ${process}`;
    } else if (suggested.length > 0) {
      m += `${once}, please assign ${userLinks(suggested)} for approval. ${process}`;
    } else if (assigned.length > 0) {
      m += `${once}, please ask for approval from ${userLinks(assigned)}. ${process}`;
    }
  }
  m += '\n\n';

  if (!ap.requireIssue) {
    // Nothing to say about issues.
  } else if (ap.associatedIssue) {
    m += `Associated issue: *#${ap.associatedIssue}*\n\n`;
  } else if (ap.noIssueApprovers().size > 0) {
    m += 'Associated issue requirement bypassed by:' + ap.listNoIssueApprovals().map((a, i) => (i ? ', ' : ' ') + approvalLink(a)).join('') + '\n\n';
  } else if (manually) {
    m += '*No associated issue*. Requirement bypassed by manually added approval.\n\n';
  } else {
    m += '*No associated issue*. Update pull-request body to add a reference to an issue, or get approval with `/approve no-issue`\n\n';
  }

  m += `The full list of commands accepted by this bot can be found [here](${links.commandHelpLink}?repo=${links.org}%2F${links.repo}).\n\n`;
  if (filesApproved || manually) m += `The pull request process is described [here](${links.prProcessLink})\n\n`;
  m += `<details ${!filesApproved && !manually ? 'open' : ''}>\n`;
  m += 'Needs approval from an approver in each of these files:\n\n';
  m += ap.getFiles(repoURL, links.branch).map(String).join('');
  m += '\nApprovers can indicate their approval by writing `/approve` in a comment\n';
  m += 'Approvers can cancel approval by writing `/approve cancel` in a comment\n';
  m += '</details>';
  m += gubernatorMetadata(ap.getCCs());

  const title = `This PR is **${ap.isApproved() ? '' : 'NOT '}APPROVED**`;
  return notification(approvalNotificationName, title, m);
}

/** `[NAME] arguments` and, after a blank line, the context; both trimmed (Prow's notification()). */
export function notification(name: string, args: string, context: string): string {
  let s = `[${name.toUpperCase()}]`;
  const a = args.trim();
  if (a !== '') s += ` ${a}`;
  const c = context.trim();
  if (c !== '') s += `\n\n${c}`;
  return s;
}

/**
 * The hidden `<!-- META={"approvers":[...]} -->` line that tools (gubernator's classifier) read.
 * Characters are escaped as Go's json.Marshal escapes them, so the line matches Prow's byte for byte.
 */
export function gubernatorMetadata(toBeAssigned: readonly string[]): string {
  const json = JSON.stringify({ approvers: toBeAssigned }).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `\n<!-- META=${json} -->`;
}
