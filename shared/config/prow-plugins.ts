// Prow's built-in plugins, so that a name Skiff does not implement is told apart from a typo, and
// a delivery's trace can say which enabled plugins Skiff left out ("why did /lgtm do nothing").
// The names and handlers are those registered in kubernetes-sigs/prow: pkg/hook/plugin-imports
// lists the plugins hook links in, and each plugin's init() registers its handlers
// (plugins.RegisterGenericCommentHandler, RegisterPullRequestHandler, …).
import { commentEvents } from '../hook/generic-comment.js';

/** The kinds of handler a Prow plugin registers (pkg/plugins/plugins.go). */
type Handler = 'genericComment' | 'issue' | 'issueComment' | 'pullRequest' | 'push' | 'review' | 'reviewComment' | 'status';

/** The webhook events behind each handler; a generic comment is any of the comment-like events. */
const eventsOfHandler: Record<Handler, readonly string[]> = {
  genericComment: commentEvents,
  issue: ['issues'],
  issueComment: ['issue_comment'],
  pullRequest: ['pull_request'],
  push: ['push'],
  review: ['pull_request_review'],
  reviewComment: ['pull_request_review_comment'],
  status: ['status'],
};

const handlers: Record<string, readonly Handler[]> = {
  approve: ['genericComment', 'review', 'pullRequest'],
  assign: ['genericComment'],
  blockade: ['pullRequest'],
  blunderbuss: ['pullRequest', 'genericComment', 'status'],
  branchcleaner: ['pullRequest'],
  bugzilla: ['genericComment', 'pullRequest'],
  buildifier: ['genericComment'],
  cat: ['genericComment'],
  'cherry-pick-approved': ['review'],
  'cherry-pick-unapproved': ['pullRequest'],
  cla: ['status', 'genericComment'],
  'config-updater': ['pullRequest'],
  dco: ['pullRequest', 'genericComment'],
  dog: ['genericComment'],
  golint: ['genericComment'],
  goose: ['genericComment'],
  heart: ['issueComment', 'pullRequest'],
  help: ['genericComment'],
  hold: ['genericComment'],
  invalidcommitmsg: ['pullRequest'],
  'issue-management': ['genericComment'],
  jira: ['genericComment'],
  label: ['genericComment', 'pullRequest'],
  lgtm: ['genericComment', 'pullRequest', 'review'],
  lifecycle: ['genericComment'],
  'merge-method-comment': ['pullRequest'],
  mergecommitblocker: ['pullRequest'],
  milestone: ['genericComment'],
  milestoneapplier: ['pullRequest'],
  milestonestatus: ['genericComment'],
  override: ['genericComment'],
  'owners-label': ['pullRequest'],
  pony: ['genericComment'],
  project: ['genericComment'],
  'project-manager': ['issue'],
  'release-note': ['issueComment', 'pullRequest'],
  'require-matching-label': ['issue', 'pullRequest', 'genericComment'],
  retitle: ['genericComment'],
  'reward-owners': ['pullRequest'],
  rifle: ['pullRequest', 'genericComment', 'status'],
  shrug: ['genericComment'],
  sigmention: ['genericComment'],
  size: ['pullRequest'],
  skip: ['genericComment'],
  slackevents: ['push', 'genericComment'],
  stage: ['genericComment'],
  testfreeze: ['pullRequest'],
  'trick-or-treat': ['genericComment'],
  trigger: ['genericComment', 'pullRequest', 'push'],
  'verify-owners': ['pullRequest', 'genericComment'],
  welcome: ['pullRequest'],
  wip: ['pullRequest'],
  yuks: ['genericComment'],
};

/** Every plugin name Prow's hook knows, sorted. */
export const prowPluginNames: readonly string[] = Object.keys(handlers).sort();

const known = new Set(prowPluginNames);

export const isProwPlugin = (name: string): boolean => known.has(name);

/** Plugins Prow has since folded into another one: the name still appears in older configs. */
export const renamedProwPlugins: ReadonlyMap<string, string> = new Map([['transfer-issue', 'issue-management']]);

/**
 * Prow plugins Skiff does without on purpose, and why. The name is still accepted and is never
 * listed as missing in a trace.
 */
export const unneededProwPlugins: ReadonlyMap<string, string> = new Map([
  ['config-updater', 'Skiff reads the config straight from the repository'],
]);

/** Whether Prow's plugin `name` registers a handler that `event` reaches. */
export function prowPluginSees(name: string, event: string): boolean {
  const registered = Object.hasOwn(handlers, name) ? handlers[name]! : [];
  return registered.some((handler) => eventsOfHandler[handler].includes(event));
}
