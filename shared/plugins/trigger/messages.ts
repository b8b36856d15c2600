// trigger's words, Prow's (pkg/plugins/trigger/pull-request.go and generic-comment.go) to the
// character, so a Prow user sees the comments they know — and a bot or a script that reads them
// keeps working. Links point at github.com as Prow's do (its github.DefaultHost).
import type { TriggerOptions } from './config.js';
import { aboutThisBot } from '../respond.js';

export const okToTestLabel = 'ok-to-test';
export const needsOkToTestLabel = 'needs-ok-to-test';
export const lgtmLabel = 'lgtm';

/** Prow's abortedDescription: what an aborted job's status says. */
export const abortedDescription = 'Aborted by trigger plugin.';

export const draftMessage =
  'Skipping CI for Draft Pull Request.\nIf you want CI signal for your change, please convert it to an actual PR.\nYou can still manually trigger a test run with `/test all`';

export const untrustedReply = 'Cannot trigger testing until a trusted user reviews the PR and leaves an `/ok-to-test` message.';
export const untrustedIgnoreOkToTestReply =
  'PRs from untrusted users cannot be marked as trusted with `/ok-to-test` in this repo meaning untrusted PR authors can never trigger tests themselves. Collaborators can still trigger tests on the PR using `/test`.';
export const onlyTrustedCanCancelReply = 'Only trusted users can revoke `/ok-to-test`.';

/** Go's url.QueryEscape for an `org/repo` name (letters, digits and `-_.~` stay; `/` becomes %2F). */
const queryEscape = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');

/** Prow's orgInvitationGuidance: the regular line, or the prominent one for a repeat contributor. */
export function orgInvitationGuidance(options: TriggerOptions, prominent: boolean): string {
  const joinOrgUrl = options.joinOrgUrl;
  if (options.orgInvite.prominent.disabled || !prominent) return `Regular contributors should [join the org](${joinOrgUrl}) to skip this step.`;
  if (options.orgInvite.prominent.message) return options.orgInvite.prominent.message.replaceAll('{join_org_url}', joinOrgUrl);
  return `>[!TIP]\n>**We noticed you've done this a few times! Consider [joining the org](${joinOrgUrl}) to skip this step and gain \`/lgtm\` and other bot rights.** We recommend asking approvers on your previous PRs to sponsor you.`;
}

/** Prow's welcomeMsg for an untrusted author's new pull request. `guidance` is orgInvitationGuidance's line. */
export function welcomeMessage(author: string, org: string, fullName: string, options: TriggerOptions, guidance: string): string {
  const encoded = queryEscape(fullName);
  if (options.ignoreOkToTest) {
    return `Hi @${author}. Thanks for your PR.

PRs from untrusted users cannot be marked as trusted with \`/ok-to-test\` in this repo meaning untrusted PR authors can never trigger tests themselves. Collaborators can still trigger tests on the PR using \`/test all\`.

I understand the commands that are listed [here](https://go.k8s.io/bot-commands?repo=${encoded}).

<details>

${aboutThisBot}
</details>
`;
  }
  const trustedOrg = options.trustedOrg;
  const more = trustedOrg && trustedOrg !== org ? `or [${trustedOrg}](https://github.com/orgs/${trustedOrg}/people) ` : '';
  return `Hi @${author}. Thanks for your PR.

I'm waiting for a [${org}](https://github.com/orgs/${org}/people) ${more}member to verify that this patch is reasonable to test. If it is, they should reply with \`/ok-to-test\` on its own line. Until that is done, I will not automatically test new commits in this PR, but the usual testing commands by org members will still work.

${guidance}

Once the patch is verified, the new status will be reflected by the \`${okToTestLabel}\` label.

I understand the commands that are listed [here](https://go.k8s.io/bot-commands?repo=${encoded}).

<details>

${aboutThisBot}
</details>
`;
}

/**
 * Marks trigger's comment about a broken in-repository config, so there is one per pull request,
 * edited when the error changes. Beyond Prow, which only logs the error (and tide refuses to merge).
 */
export const inRepoErrorMarker = '<!-- skiff:trigger:in-repo-config-error -->';

export function inRepoErrorMessage(headSha: string, error: string): string {
  return `${inRepoErrorMarker}
The in-repository job config (\`.prow.yaml\` or \`.prow/\`) could not be loaded at ${headSha}:

\`\`\`
${error}
\`\`\`

Only the jobs of the central config run for this pull request until it loads.`;
}
