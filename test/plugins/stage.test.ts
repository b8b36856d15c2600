// The stage plugin through the command machinery: real issue_comment payloads against an
// in-memory GitHub. Rows are Prow's TestStageLabels (stage_test.go), then the odd ones: case,
// quotes, CRLF, free text after the stage, edited comments, pull requests.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { stage, type StageGitHub } from '../../shared/plugins/stage/index.js';
import type { Outcome } from '../../shared/plugins/types.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const ref = 'Codertocat/Hello-World#1';
const [stageAlpha, stageBeta, stageStable] = ['stage/alpha', 'stage/beta', 'stage/stable'];

function comment(body: string, action = 'created', onPR = false): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  if (onPR) {
    const url = String(payload.issue.url).replace('/issues/', '/pulls/');
    payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  }
  return generalizeComment('issue_comment', payload)!;
}

interface Case {
  name: string;
  body: string;
  added: string[];
  removed: string[];
  labels: string[];
  action?: string;
  onPR?: boolean;
  /** Labels at the end, when it matters beyond added/removed. */
  final?: string[];
  status?: Outcome['status'] | undefined;
}

const prowRows: Case[] = [
  { name: 'random command -> no-op', body: '/random-command', added: [], removed: [], labels: [], status: undefined },
  { name: "remove stage but don't specify state -> no-op", body: '/remove-stage', added: [], removed: [], labels: [], status: undefined },
  { name: "add stage but don't specify state -> no-op", body: '/stage', added: [], removed: [], labels: [], status: undefined },
  { name: 'add stage random -> no-op', body: '/stage random', added: [], removed: [], labels: [], status: undefined },
  { name: 'remove stage random -> no-op', body: '/remove-stage random', added: [], removed: [], labels: [], status: undefined },
  { name: 'add alpha and beta with single command -> no-op', body: '/stage alpha beta', added: [], removed: [], labels: [], status: 'skipped' },
  { name: 'add alpha and random with single command -> no-op', body: '/stage alpha random', added: [], removed: [], labels: [], status: 'skipped' },
  { name: "add alpha, don't have it -> alpha added", body: '/stage alpha', added: [stageAlpha], removed: [], labels: [] },
  { name: "add beta, don't have it -> beta added", body: '/stage beta', added: [stageBeta], removed: [], labels: [] },
  { name: "add stable, don't have it -> stable added", body: '/stage stable', added: [stageStable], removed: [], labels: [] },
  { name: 'remove alpha, have it -> alpha removed', body: '/remove-stage alpha', added: [], removed: [stageAlpha], labels: [stageAlpha] },
  { name: 'remove beta, have it -> beta removed', body: '/remove-stage beta', added: [], removed: [stageBeta], labels: [stageBeta] },
  { name: 'remove stable, have it -> stable removed', body: '/remove-stage stable', added: [], removed: [stageStable], labels: [stageStable] },
  { name: 'add alpha but have it -> no-op', body: '/stage alpha', added: [], removed: [], labels: [stageAlpha] },
  { name: 'add beta, have alpha -> beta added, alpha removed', body: '/stage beta', added: [stageBeta], removed: [stageAlpha], labels: [stageAlpha] },
  { name: 'add stable, have beta -> stable added, beta removed', body: '/stage stable', added: [stageStable], removed: [stageBeta], labels: [stageBeta] },
  {
    name: 'add stable, have alpha and beta -> stable added, alpha and beta removed',
    body: '/stage stable',
    added: [stageStable],
    removed: [stageAlpha, stageBeta],
    labels: [stageAlpha, stageBeta],
  },
  {
    name: 'remove alpha, then remove beta and then add stable -> alpha and beta removed, stable added',
    body: '/remove-stage alpha\n/remove-stage beta\n/stage stable',
    added: [stageStable],
    removed: [stageAlpha, stageBeta],
    labels: [stageAlpha, stageBeta],
  },
];

const moreRows: Case[] = [
  { name: '/STAGE BETA in capitals', body: '/STAGE BETA', added: [stageBeta], removed: [], labels: [] },
  { name: 'the label in another case counts as there', body: '/stage alpha', added: [], removed: [], labels: ['Stage/Alpha'] },
  { name: 'trailing whitespace and CRLF', body: 'Moving on.\r\n/stage beta \t\r\nthanks', added: [stageBeta], removed: [], labels: [] },
  { name: 'a quoted /stage is not a command', body: '> /stage alpha', added: [], removed: [], labels: [], status: undefined },
  { name: 'two spaces are not Prow\'s one', body: '/stage  alpha', added: [], removed: [], labels: [], status: 'skipped' },
  { name: 'a later line of the comment acts after an earlier one', body: '/stage alpha\n/stage beta', added: [stageAlpha, stageBeta], removed: [stageAlpha], labels: [], final: [stageBeta] },
  { name: 'remove what is not there -> no-op', body: '/remove-stage beta', added: [], removed: [], labels: [stageAlpha] },
  { name: 'other labels stay', body: '/stage stable', added: [stageStable], removed: [stageAlpha], labels: ['kind/feature', stageAlpha], final: ['kind/feature', stageStable] },
  { name: 'on a pull request too', body: '/stage alpha', added: [stageAlpha], removed: [], labels: [], onPR: true },
  { name: 'an edited comment is ignored', body: '/stage alpha', added: [], removed: [], labels: [], action: 'edited', status: 'skipped' },
];

describe('stage', () => {
  it.each([...prowRows, ...moreRows])('$name', async (c) => {
    // Prepare
    const github = new MemoryGitHub();
    if (c.onPR) github.setPullRequest(ref, {});
    else github.setIssue(ref, {});
    github.setLabels(ref, c.labels);
    const ctx = pluginContext<void, StageGitHub>({ github, config: undefined, repo: { owner: 'Codertocat', repo: 'Hello-World' } });

    // Act
    const outcome = await runCommands(stage, ctx, comment(c.body, c.action, c.onPR));

    // Assess
    const writes = (kind: string) => github.writes.filter((w) => w.startsWith(`${kind} `)).map((w) => w.slice(`${kind} ${ref} `.length));
    expect(writes('addLabel')).toEqual(c.added);
    expect(writes('removeLabel')).toEqual(c.removed);
    if (c.final) expect(github.labelsOf(ref)).toEqual(c.final);
    expect(outcome?.status).toBe('status' in c ? c.status : 'ran');
    // One read of the labels at most, whatever the number of lines.
    expect(github.reads.length).toBeLessThanOrEqual(1);
  });

  it('a failed write fails the event, to be retried', async () => {
    // Prepare
    const github = new MemoryGitHub().failNext('addLabel', new Error('502 Bad Gateway'));
    github.setIssue(ref, {});
    const ctx = pluginContext<void, StageGitHub>({ github, config: undefined, repo: { owner: 'Codertocat', repo: 'Hello-World' } });

    // Act, Assess
    await expect(runCommands(stage, ctx, comment('/stage alpha'))).rejects.toThrow('502 Bad Gateway');
  });
});
