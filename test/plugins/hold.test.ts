// The hold plugin through the command machinery: real webhook payloads, generalised as the hook
// will generalise them, matched with the regexes generated from hold's command declarations,
// run against an in-memory GitHub. Rows follow Prow's hold_test.go plus the odd cases.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { hold, holdLabel } from '../../shared/plugins/hold/index.js';
import type { Outcome, PluginContext } from '../../shared/plugins/types.js';
import { pluginContext } from '../fakes/plugin-context.js';
import { MemoryGitHub } from '../fakes/memory-github.js';

const example = (name: Source, action: string) => samplePayload(name, action);

type Source = 'issue_comment' | 'pull_request' | 'pull_request_review' | 'pull_request_review_comment';

/** A real issue_comment payload with `body`; on a pull request unless `onPR` is false. */
function comment(body: string, { action = 'created', onPR = true } = {}): GenericCommentEvent {
  const payload = example('issue_comment', action);
  payload.comment.body = body;
  // GitHub marks an issue that is a pull request by this key; the example issue has none.
  if (onPR) {
    const url = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

/**
 * The body of a pull request, a review or a review comment, as the hook generalises it.
 * `asAction` relabels the payload when the examples lack that action (there is no `edited` PR).
 */
function body(source: Exclude<Source, 'issue_comment'>, action: string, text: string, asAction = action): GenericCommentEvent {
  const payload = example(source, action);
  payload.action = asAction;
  if (source === 'pull_request') payload.pull_request.body = text;
  else if (source === 'pull_request_review') payload.review.body = text;
  else payload.comment.body = text;
  const event = generalizeComment(source, payload);
  if (!event) throw new Error(`${source} ${action} is not comment-like`);
  return event;
}

const issue = 'Codertocat/Hello-World#1'; // the issue_comment example's issue
const pr = 'Codertocat/Hello-World#2'; // the pull_request examples' number
const add = (ref = issue) => [`addLabel ${ref} ${holdLabel}`];
const remove = (ref = issue) => [`removeLabel ${ref} ${holdLabel}`];

interface Case {
  name: string;
  event: GenericCommentEvent;
  writes: string[];
  /** `undefined`: no command in the comment at all. */
  status: Outcome['status'] | undefined;
}

const cases: Case[] = [
  // Hold.
  { name: '/hold', event: comment('/hold'), writes: add(), status: 'ran' },
  { name: '/HOLD (case does not matter)', event: comment('/HOLD'), writes: add(), status: 'ran' },
  { name: '/hold some reason', event: comment('/hold for further review'), writes: add(), status: 'ran' },
  { name: '/hold cancelled is a hold with a reason, not a cancel', event: comment('/hold cancelled'), writes: add(), status: 'ran' },
  { name: '/hold with trailing whitespace', event: comment('/hold  \t'), writes: add(), status: 'ran' },
  { name: '/hold with CRLF line endings', event: comment('LGTM overall.\r\n/hold\r\nThanks!\r\n'), writes: add(), status: 'ran' },
  { name: '/hold on a later line', event: comment('Looks good, but wait for #12 to merge first.\n\n/hold'), writes: add(), status: 'ran' },
  // Prow does not parse Markdown: a line in a fenced block still starts with the command.
  { name: '/hold inside a fenced code block still holds, as in Prow', event: comment('```\n/hold\n```'), writes: add(), status: 'ran' },

  // Cancel.
  { name: '/hold cancel', event: comment('/hold cancel'), writes: remove(), status: 'ran' },
  { name: '/hold   cancel (any whitespace between the words)', event: comment('/hold   cancel'), writes: remove(), status: 'ran' },
  { name: '/hold<TAB>cancel', event: comment('/hold\tcancel'), writes: remove(), status: 'ran' },
  { name: '/Hold Cancel', event: comment('/Hold Cancel'), writes: remove(), status: 'ran' },
  { name: '/hold cancel now (free text after)', event: comment('/hold cancel now'), writes: remove(), status: 'ran' },
  { name: '/hold cancel with trailing whitespace and CRLF', event: comment('/hold cancel \t\r\n'), writes: remove(), status: 'ran' },
  { name: '/unhold', event: comment('/unhold'), writes: remove(), status: 'ran' },
  { name: '/UNHOLD', event: comment('/UNHOLD'), writes: remove(), status: 'ran' },
  { name: '/remove-hold', event: comment('/remove-hold'), writes: remove(), status: 'ran' },
  { name: '/unhold because tests pass', event: comment('/unhold because tests pass'), writes: remove(), status: 'ran' },
  { name: 'both /hold and /unhold: cancel wins', event: comment('/hold\n/unhold'), writes: remove(), status: 'ran' },
  { name: 'both, cancel first: cancel still wins', event: comment('/hold cancel\n/hold'), writes: remove(), status: 'ran' },
  // Prow's `hold\s+cancel` lets the whitespace be a newline; the generated regex does the same.
  { name: '/hold then "cancel" alone on the next line cancels, as in Prow', event: comment('/hold\ncancel'), writes: remove(), status: 'ran' },

  // Nothing.
  { name: 'no command', event: comment('noise'), writes: [], status: undefined },
  { name: '> /hold in a quote', event: comment('> /hold\n\nI disagree.'), writes: [], status: undefined },
  { name: '/holdx', event: comment('/holdx'), writes: [], status: undefined },
  { name: '/hold-on', event: comment('/hold-on'), writes: [], status: undefined },
  { name: '/unholdx', event: comment('/unholdx'), writes: [], status: undefined },
  { name: '/removehold', event: comment('/removehold'), writes: [], status: undefined },
  { name: '/remove -    hold', event: comment('/remove -    hold'), writes: [], status: undefined },
  { name: ' /hold with a leading space (anchored at line start)', event: comment(' /hold'), writes: [], status: undefined },
  { name: '`/hold` in inline code', event: comment('Type `/hold` to hold.'), writes: [], status: undefined },
  { name: '`/hold` in inline code at line start', event: comment('`/hold`'), writes: [], status: undefined },
  { name: 'hold without the slash', event: comment('hold'), writes: [], status: undefined },

  // Events hold ignores.
  { name: 'edited comment', event: comment('/hold', { action: 'edited' }), writes: [], status: 'skipped' },
  { name: 'deleted comment', event: comment('/hold', { action: 'deleted' }), writes: [], status: 'skipped' },
  { name: 'issue, not a pull request', event: comment('/hold', { onPR: false }), writes: [], status: 'skipped' },
  { name: '/unhold on an issue', event: comment('/unhold', { onPR: false }), writes: [], status: 'skipped' },

  // Other comment-like events.
  { name: 'PR body on opened holds', event: body('pull_request', 'opened', 'Fixes #1.\n\n/hold'), writes: add(pr), status: 'ran' },
  { name: 'PR body on edited is ignored', event: body('pull_request', 'opened', '/hold', 'edited'), writes: [], status: 'skipped' },
  { name: 'review body holds', event: body('pull_request_review', 'submitted', '/hold'), writes: add(pr), status: 'ran' },
  { name: 'review comment cancels', event: body('pull_request_review_comment', 'created', '/unhold'), writes: remove(pr), status: 'ran' },
];

describe('hold plugin', () => {
  it.each(cases)('$name', async ({ event, writes, status }) => {
    // Prepare
    const gh = new MemoryGitHub();
    const ctx: PluginContext<void, MemoryGitHub> = pluginContext({ github: gh, config: undefined, repo: event.repo });

    // Act
    const outcome = await runCommands(hold, ctx, event);

    // Assess
    expect(gh.writes).toEqual(writes);
    // Hold writes blindly and idempotently: no label read, nothing but the writes.
    expect(gh.calls).toEqual(writes);
    expect(gh.reads).toEqual([]);
    expect(outcome?.status).toBe(status);
  });

  it('holding twice and cancelling twice ends unheld, one call per command', async () => {
    // Prepare
    const gh = new MemoryGitHub();
    const ctx: PluginContext<void, MemoryGitHub> = pluginContext({ github: gh, config: undefined, repo: { owner: 'Codertocat', repo: 'Hello-World' } });

    // Act
    for (const text of ['/hold', '/hold', '/unhold', '/hold cancel']) await runCommands(hold, ctx, comment(text));

    // Assess
    expect(gh.writes).toEqual([...add(), ...add(), ...remove(), ...remove()]);
    expect(gh.labelsOf(issue)).toEqual([]);
  });

  it('keeps the label set right when seeded: /hold adds once, cancel removes only hold', async () => {
    // Prepare
    const gh = new MemoryGitHub().setLabels(issue, ['lgtm', holdLabel]);
    const ctx: PluginContext<void, MemoryGitHub> = pluginContext({ github: gh, config: undefined, repo: { owner: 'Codertocat', repo: 'Hello-World' } });

    // Act
    await runCommands(hold, ctx, comment('/hold'));
    const afterHold = gh.labelsOf(issue);
    await runCommands(hold, ctx, comment('/hold cancel'));

    // Assess
    expect(afterHold).toEqual(['lgtm', holdLabel]);
    expect(gh.labelsOf(issue)).toEqual(['lgtm']);
  });
});
