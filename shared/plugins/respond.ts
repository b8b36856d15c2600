// Prow's reply format (kubernetes-sigs/prow pkg/plugins/respond.go), so a Prow user sees the same
// replies: `@user: message`, then a <details> block quoting the comment that asked, with the note
// on how to talk to the bot. One place for every plugin's replies.
import type { GenericCommentEvent } from '../hook/generic-comment.js';

/** Prow's AboutThisBotWithoutCommands, pointing at Skiff's own docs instead of Kubernetes'. */
export const aboutThisBot =
  'Instructions for interacting with me using PR comments are available [here](https://git.k8s.io/community/contributors/guide/pull-requests.md).  ' +
  'If you have questions or suggestions related to my behavior, please file an issue against the [kubernetes-sigs/prow](https://github.com/kubernetes-sigs/prow/issues/new?title=Prow%20issue:) repository.';

/** Prow's AboutThisBot: the note above, then where the commands are listed (dco's and invalidcommitmsg's comments). */
export const aboutThisBotWithCommands = `${aboutThisBot} I understand the commands that are listed [here](https://go.k8s.io/bot-commands).`;

/** `@to: message` with `reason` in the details (Prow's FormatResponse). */
export function formatResponse(to: string, message: string, reason: string): string {
  return `@${to}: ${message}\n\n<details>\n\n${reason}\n\n${aboutThisBot}\n</details>`;
}

/** A message with only the note in the details (Prow's FormatSimpleResponse). */
export function formatSimpleResponse(message: string): string {
  return `${message}\n\n<details>\n\n${aboutThisBot}\n</details>`;
}

/** A reply to a comment: the comment quoted line by line, with a link to it (Prow's FormatResponseRaw). */
export function formatResponseRaw(body: string, bodyUrl: string, login: string, reply: string): string {
  const quoted = body
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
  return formatResponse(login, reply, `In response to [this](${bodyUrl}):\n\n${quoted}\n`);
}

/** A reply to the comment (or review, or PR body) that carried the command. */
export function replyTo(event: Pick<GenericCommentEvent, 'body' | 'htmlUrl' | 'user'>, reply: string): string {
  return formatResponseRaw(event.body, event.htmlUrl, event.user.login, reply);
}
