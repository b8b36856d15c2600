// Real issue_comment payloads (from @octokit/webhooks-examples, as GitHub sends them) on a pull
// request of Codertocat/Hello-World, the repository the examples are about.
import { samplePayload } from '../shared/cli/sample-payloads.js';

export const benchRepo = 'Codertocat/Hello-World';

/** An issue_comment `created` payload on pull request `number`, with `body` as the comment. */
export function prCommentPayload(number: number, body: string): Record<string, any> {
  const payload = samplePayload('issue_comment', 'created');
  const issueUrl = String(payload.issue.url).replace(/\/issues\/\d+$/, `/issues/${number}`);
  const pullUrl = issueUrl.replace('/issues/', '/pulls/');
  const htmlUrl = String(payload.issue.html_url).replace(/\/issues\/\d+$/, `/pull/${number}`);
  payload.issue.number = number;
  payload.issue.url = issueUrl;
  payload.issue.html_url = htmlUrl;
  payload.issue.pull_request = { url: pullUrl, html_url: htmlUrl, diff_url: `${htmlUrl}.diff`, patch_url: `${htmlUrl}.patch` };
  payload.comment.body = body;
  return payload;
}

// Prose, so the padding looks like a long review comment and holds no command line.
const filler =
  'This change looks reasonable overall, but the retry loop should back off before it gives up, ' +
  'and the error message ought to name the repository it failed on. ';

/**
 * The JSON text of a comment payload on pull request `number` whose comment starts with
 * `command` and is padded with prose until the whole payload is `targetBytes` long (or just
 * over, never under). GitHub's real comments go up to 65,536 characters.
 */
export function paddedCommentJson(number: number, command: string, targetBytes: number): string {
  const base = Buffer.byteLength(JSON.stringify(prCommentPayload(number, `${command}\n\n`)));
  const missing = Math.max(0, targetBytes - base);
  const padding = filler.repeat(Math.ceil(missing / filler.length)).slice(0, missing);
  return JSON.stringify(prCommentPayload(number, `${command}\n\n${padding}`));
}
