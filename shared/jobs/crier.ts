// Crier's GitHub reporter (Prow pkg/crier/reporters/github/reporter.go, pkg/github/report/report.go):
// each state change of a reporting presubmit or postsubmit becomes its commit status, once; when a
// presubmit finishes, the pull request's failure summary (Prow's `<!-- test report -->` comment,
// a table of failed jobs with their rerun commands) is posted, kept up to date, and removed when
// nothing fails. Prow reads the old table back out of its own comment; here the pull request's
// job records decide each context they know (its latest finished run), and the comment keeps the
// rows of contexts whose records are gone.
import type { GitHubClient, IssueComment, StatusState } from '../github/client.js';
import { isBotLogin } from '../plugins/bot-login.js';
import { aboutThisBotWithCommands } from '../plugins/respond.js';
import { isFinished, type JobRecord, type JobState, type JobStore, type Refs } from './types.js';

export type CrierGitHub = Pick<GitHubClient, 'createStatus' | 'listComments' | 'createComment' | 'editComment' | 'deleteComment'>;

export interface CrierDeps {
  /** The GitHub client for the repository, with the installation the job's event came with. */
  githubFor: (refs: Refs, installation: number | undefined) => CrierGitHub;
  store: JobStore;
  /** The bot's login: its earlier summary comments are recognised by it. Unknown: statuses only, no summary. */
  botLogin: string | undefined;
}

/** Prow's CommentTag: marks the bot's summary comment. */
export const commentTag = '<!-- test report -->';

/** Prow's prowjobStateToGitHubStatus: an aborted job is a failure to GitHub. */
export const githubState: Record<JobState, StatusState> = {
  triggered: 'pending',
  pending: 'pending',
  success: 'success',
  failure: 'failure',
  aborted: 'failure',
  error: 'error',
};

/** GitHub's limit on a status description: https://docs.github.com/en/rest/commits/statuses */
const descriptionMaxBytes = 140;
const elide = ' ... ';
const baseShaDelimiter = ' BaseSHA:';
/** U+2001: GitHub's UI collapses ordinary spaces; Prow pads with this one. */
const pad = '\u2001';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** UTF-8 continuation bytes (10xxxxxx) are not where a character starts. */
const continuation = (byte: number | undefined) => byte !== undefined && (byte & 0xc0) === 0x80;

/**
 * Prow's truncate: "really long messages" → "really ... messages", in bytes as Go counts them.
 * Go cuts mid-character and sends broken UTF-8; this moves each cut to a character boundary
 * instead (never longer, at most 3 bytes shorter), so the text stays valid.
 */
export function truncate(text: string, maxBytes: number): string {
  const raw = Buffer.from(text, 'utf8');
  if (raw.length <= maxBytes) return text;
  const half = Math.trunc((maxBytes - elide.length) / 2);
  let end = half;
  while (end > 0 && continuation(raw[end])) end--;
  let start = raw.length - half;
  while (start < raw.length && continuation(raw[start])) start++;
  return raw.subarray(0, end).toString('utf8') + elide + raw.subarray(start).toString('utf8');
}

/**
 * Prow's ContextDescriptionWithBaseSha: the description with ` BaseSHA:<sha>` kept on the right
 * (Tide reads the base SHA back from it), left-padded towards 140 bytes, the text truncated to fit.
 */
export function contextDescriptionWithBaseSha(humanReadable: string, baseSha: string): string {
  let suffix = '';
  if (baseSha) {
    suffix = baseShaDelimiter + baseSha;
    if (bytes(humanReadable + suffix) < descriptionMaxBytes) {
      // Go re-evaluates the bound each time round while the suffix grows by 3 bytes: kept as is.
      for (let i = 0; i < descriptionMaxBytes - bytes(humanReadable + suffix); i++) suffix = pad + suffix;
    }
  }
  return truncate(humanReadable, descriptionMaxBytes - bytes(suffix)) + suffix;
}

/** Prow's createEntry: `context | sha | [link](url) | required | `rerun``. */
export function summaryEntry(job: JobRecord): string {
  const required = job.type === 'presubmit' && job.optional !== undefined ? String(!job.optional) : 'unknown';
  return [job.context ?? job.name, job.refs?.pulls[0]?.sha ?? '', `[link](${job.url ?? ''})`, required, `\`${job.rerunCommand ?? ''}\``].join(' | ');
}

/** Prow's createComment (no report template): the table of failed jobs, or Prow's "all passed" text. */
export function summaryComment(author: string, entries: string[]): string {
  const lines = entries.length
    ? [
        `@${author}: The following test${entries.length > 1 ? 's' : ''} **failed**, say \`/retest\` to rerun all failed tests or \`/retest-required\` to rerun all mandatory failed tests:`,
        '',
        'Test name | Commit | Details | Required | Rerun command',
        '--- | --- | --- | --- | ---',
        ...entries,
      ]
    : [`@${author}: all tests **passed!**`, ''];
  return [...lines, '', '<details>', '', aboutThisBotWithCommands, '</details>', commentTag].join('\n');
}

/**
 * The failing rows: for each context, the latest finished run (Prow replaces a context's row when
 * a newer result comes in; an aborted or passing run clears it). Oldest failure first, as Prow
 * appends each new failure under the rows it keeps. `current` is the freshest record of the job
 * being reported, in case the index has not caught up with it yet.
 */
export function failingRuns(records: JobRecord[], current: JobRecord): JobRecord[] {
  const byId = new Map(records.map((r) => [r.id, r]));
  byId.set(current.id, current);
  const latest = new Map<string, JobRecord>();
  for (const record of byId.values()) {
    if (record.type !== 'presubmit' || !record.report || !isFinished(record.state)) continue;
    const context = record.context ?? record.name;
    const seen = latest.get(context);
    if (!seen || seen.createdAt < record.createdAt) latest.set(context, record);
  }
  return [...latest.values()]
    .filter((r) => r.state === 'failure')
    .sort((a, b) => (a.completedAt ?? '').localeCompare(b.completedAt ?? '') || (a.context ?? '').localeCompare(b.context ?? ''));
}

/**
 * The rows of the bot's earlier summaries (Prow's parseIssueComments: the lines after the `---`
 * separator up to a blank line), the newest row of each context, in the order they appear.
 */
export function previousEntries(comments: Pick<IssueComment, 'body'>[]): string[] {
  const entries: string[] = [];
  for (const comment of comments) {
    let tracking = false;
    for (const raw of comment.body.split('\n')) {
      const line = raw.trim();
      if (line.startsWith('---')) tracking = true;
      else if (!line) tracking = false;
      else if (tracking) entries.push(line);
    }
  }
  const contextOf = (entry: string) => entry.split(' | ')[0];
  return entries.filter((entry, i) => !entries.slice(i + 1).some((later) => contextOf(later) === contextOf(entry)));
}

/**
 * The summary's rows: the records decide each context they have a finished run of; a row of an
 * earlier summary whose context has none left (sinker removed old records) stays, as in Prow,
 * where the comment itself is the memory.
 */
export function summaryEntries(records: JobRecord[], current: JobRecord, comments: Pick<IssueComment, 'body'>[]): string[] {
  const decided = new Set(
    [...records, current].filter((r) => r.type === 'presubmit' && r.report && isFinished(r.state)).map((r) => r.context ?? r.name),
  );
  const kept = previousEntries(comments).filter((entry) => !decided.has(entry.split(' | ')[0]!));
  return [...kept, ...failingRuns(records, current).map(summaryEntry)];
}

/**
 * Status failures that no retry mends, which Prow's reporter swallows: the commit is gone (a
 * force push: 404 or "No commit found for SHA") or GitHub's 1000 statuses per SHA and context are used up.
 */
export function isStatusGone(error: unknown): boolean {
  for (let e = error as { status?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0; e && typeof e === 'object' && depth < 8; e = e.cause as typeof e, depth++) {
    if (e.status === 404) return true;
    if (/No commit found for SHA|has reached the maximum number of statuses/.test(String(e.message ?? ''))) return true;
  }
  return false;
}

/** How many times a report is redone after losing the race to record `reportedState`. */
const maxAttempts = 5;

export function createCrier(deps: CrierDeps): (job: JobRecord) => Promise<void> {
  async function status(github: CrierGitHub, job: JobRecord, refs: Refs): Promise<void> {
    const pull = refs.pulls[0];
    const sha = pull ? pull.sha : refs.baseSha;
    if (!sha) return;
    await github.createStatus({ owner: refs.org, repo: refs.repo }, sha, {
      context: job.context ?? job.name,
      state: githubState[job.state],
      description: contextDescriptionWithBaseSha(job.description ?? '', refs.baseSha ?? ''),
      targetUrl: job.url ?? '',
    });
  }

  /** Prow's ReportComment / parseIssueComments, with the rows from the records. */
  async function comment(github: CrierGitHub, job: JobRecord, refs: Refs): Promise<void> {
    const pull = refs.pulls[0]!;
    const issue = { owner: refs.org, repo: refs.repo, number: pull.number };
    const [records, comments] = await Promise.all([deps.store.byPull(refs.org, refs.repo, pull.number), github.listComments(issue)]);
    const ours = comments.filter((c: IssueComment) => isBotLogin(deps.botLogin, c.user.login) && c.body.includes(commentTag));
    let latest = ours.at(-1);
    const entries = summaryEntries(records, job, ours);
    // Only the newest summary is kept; a new failure is posted afresh (so it shows at the end of
    // the conversation), and no failures means no summary.
    const stale = ours.slice(0, -1);
    if (latest && (job.state === 'failure' || entries.length === 0)) {
      stale.push(latest);
      latest = undefined;
    }
    for (const c of stale) await github.deleteComment(issue, c.id);
    if (!entries.length) return;
    const body = summaryComment(pull.author, entries);
    if (!latest) await github.createComment(issue, body);
    else if (latest.body !== body) await github.editComment(issue, latest.id, body);
  }

  return async function report(job: JobRecord): Promise<void> {
    let current: JobRecord | undefined = job;
    for (let attempt = 0; current && attempt < maxAttempts; attempt++) {
      const refs = current.refs;
      // Prow's github reporter: presubmits and postsubmits that report, one pull at most (no batches).
      if (!current.report || !refs || (current.type !== 'presubmit' && current.type !== 'postsubmit') || refs.pulls.length > 1) return;
      if (current.state === current.reportedState) return;
      const github = deps.githubFor(refs, current.installation);
      let gone = false;
      try {
        await status(github, current, refs);
      } catch (error) {
        if (!isStatusGone(error)) throw error;
        // As Prow: nothing more to say about a commit GitHub no longer has (nor the comment).
        gone = true;
      }
      // Without the bot's login its earlier summaries cannot be found, and each failure would add another.
      if (!gone && deps.botLogin && current.type === 'presubmit' && refs.pulls.length === 1 && isFinished(current.state)) await comment(github, current, refs);
      // Recorded only once GitHub has it, so a failed report is made again. A lost race means the
      // record changed meanwhile: read it again and report what it says now (the same state again is harmless).
      if (await deps.store.update(current, { reportedState: current.state })) return;
      current = await deps.store.get(current.id);
    }
  };
}
