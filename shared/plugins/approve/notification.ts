// The one `[APPROVALNOTIFIER]` comment per pull request: which comments are the bot's
// notifications (Prow's notificationMatcher), whether the latest already says what it should
// (Prow's updateNotification), and what to write so exactly one remains.
//
// Prow deletes every notification and posts a new one whenever the text changes; Skiff edits the
// latest in place instead (one call, and the conversation keeps one comment where it was) and
// deletes any older ones. When to write is Prow's rule unchanged: only when the latest
// notification does not contain the new text.
//
// Prow knows whether a human added the `approved` label by listing the issue's events and looking
// at who added it last (github.WasLabelAddedByHuman). Skiff's GitHub port has no issue-events
// method, so the bot writes that fact down instead, at the one moment it sees it — the `labeled`
// webhook, whose sender is who added the label — as a hidden line at the end of its
// notification, read back on later events. Only the bot's own comments are read, and only the
// bot can edit them, so nobody else can forge the line.
import type { IssueComment } from '../../github/client.js';
import { isBotLogin } from '../bot-login.js';
import { approvalNotificationName } from './approvers.js';

// Prow's `(?is)^\[ApprovalNotifier\] *?([^\n]*)(?:\n\n(.*))?`: only whether it matches is used, and
// every body that starts with the bracketed name (any case) does.
const notificationStart = new RegExp(`^\\[${approvalNotificationName}\\]`, 'i');

/**
 * The bot's notifications, oldest first: comments by the bot's own login. The `[bot]`-less form
 * Prow compares (a login configured without the suffix) counts only for a GitHub App's comment,
 * so a person whose login is the App's slug cannot pass a comment off as the bot's — the hidden
 * line of a notification decides whether a human added `approved`. Without a known bot login (no
 * credentials: dry-run, or offline local mode) only GitHub Apps' comments count.
 */
export function ownNotifications(comments: readonly IssueComment[], botLogin: string | undefined): IssueComment[] {
  const own = (c: IssueComment) =>
    botLogin ? c.user.login.toLowerCase() === botLogin.toLowerCase() || (c.user.type === 'Bot' && isBotLogin(botLogin, c.user.login)) : c.user.type === 'Bot';
  return comments.filter((c) => own(c) && notificationStart.test(c.body));
}

const humanLabelLine = (login: string) => `<!-- approved label added by ${login}, not by the bot -->`;
const humanLabelRe = /\n<!-- approved label added by (\S+), not by the bot -->$/;

/** The notification's text: Prow's message, then the hidden line when a human added the label. */
export function notificationText(message: string, labelAddedBy: string | undefined): string {
  return labelAddedBy ? `${message}\n${humanLabelLine(labelAddedBy)}` : message;
}

/** Who added the `approved` label, when the bot's notification recorded that a human did. */
export function recordedLabelAdder(notification: IssueComment | undefined): string | undefined {
  return notification ? humanLabelRe.exec(notification.body)?.[1] : undefined;
}

export type NotificationWrite = { kind: 'create'; body: string } | { kind: 'edit'; id: number; body: string } | { kind: 'delete'; id: number };

/**
 * What to write so that exactly one notification says `text`: nothing when the latest already
 * contains it (Prow's rule), else edit the latest (or post the first); older ones are deleted
 * either way, since only the latest is ever kept up to date.
 */
export function notificationWrites(notifications: readonly IssueComment[], text: string): NotificationWrite[] {
  const latest = notifications.at(-1);
  // Deletions first, as Prow: if one fails, the retry still finds the latest to keep.
  const writes: NotificationWrite[] = notifications.slice(0, -1).map((c) => ({ kind: 'delete', id: c.id }));
  if (!latest) writes.push({ kind: 'create', body: text });
  else if (!upToDate(latest.body, text)) writes.push({ kind: 'edit', id: latest.id, body: text });
  return writes;
}

/**
 * Prow's test (the latest contains the text), and the record of a human-added label agrees: a
 * notification still recording one that no longer holds would otherwise be left as it is, since
 * Prow's message is the same either way once the requirements are met.
 */
function upToDate(body: string, text: string): boolean {
  return body.includes(text) && humanLabelRe.test(body) === humanLabelRe.test(text);
}
