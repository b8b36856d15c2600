// The shrug plugin through the command machinery, against MemoryGitHub. Rows follow Prow's
// shurg_test.go (TestShrugComment), plus quoted, glued, case, edited and both-commands rows.
import { describe, expect, it } from 'vitest';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { generalizeComment, type GenericCommentEvent } from '../../shared/hook/generic-comment.js';
import { runCommands } from '../../shared/plugins/commands.js';
import { shrug, shrugLabel, unshrugReply } from '../../shared/plugins/shrug/index.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { pluginContext } from '../fakes/plugin-context.js';

const ref = 'Codertocat/Hello-World#1';

function event(body: string, action: 'created' | 'edited' = 'created'): GenericCommentEvent {
  const payload = samplePayload('issue_comment', action);
  payload.comment.body = body;
  return generalizeComment('issue_comment', payload)!;
}

interface Case {
  name: string;
  body: string;
  hasShrug: boolean;
  shouldShrug: boolean;
  shouldUnshrug: boolean;
  action?: 'created' | 'edited';
}

const cases: Case[] = [
  { name: 'non-shrug comment', body: 'uh oh', hasShrug: false, shouldShrug: false, shouldUnshrug: false },
  { name: 'shrug', body: '/shrug', hasShrug: false, shouldShrug: true, shouldUnshrug: false },
  { name: 'shrug over shrug', body: '/shrug', hasShrug: true, shouldShrug: false, shouldUnshrug: false },
  { name: 'unshrug nothing', body: '/unshrug', hasShrug: false, shouldShrug: false, shouldUnshrug: false },
  { name: 'unshrug the shrug', body: '/unshrug', hasShrug: true, shouldShrug: false, shouldUnshrug: true },

  // Beyond Prow's table.
  { name: '/SHRUG with trailing space and CRLF', body: 'meh\r\n/SHRUG \r\n', hasShrug: false, shouldShrug: true, shouldUnshrug: false },
  { name: '> /shrug in a quote', body: '> /shrug', hasShrug: false, shouldShrug: false, shouldUnshrug: false },
  { name: '/shrug whatever (free text after)', body: '/shrug whatever', hasShrug: false, shouldShrug: false, shouldUnshrug: false },
  { name: '/shrugs', body: '/shrugs', hasShrug: false, shouldShrug: false, shouldUnshrug: false },
  { name: 'both: /shrug wins, as in Prow', body: '/unshrug\n/shrug', hasShrug: true, shouldShrug: false, shouldUnshrug: false },
  { name: 'edited comment', body: '/shrug', hasShrug: false, shouldShrug: false, shouldUnshrug: false, action: 'edited' },
];

describe('shrug (Prow TestShrugComment)', () => {
  it.each(cases)('$name', async (tc) => {
    // Prepare
    const gh = new MemoryGitHub().setLabels(ref, tc.hasShrug ? [shrugLabel] : []);
    const e = event(tc.body, tc.action);

    // Act
    await runCommands(shrug, pluginContext({ github: gh, config: undefined, repo: e.repo }), e);

    // Assess
    expect(gh.writes.filter((w) => w.startsWith('addLabel'))).toEqual(tc.shouldShrug ? [`addLabel ${ref} ${shrugLabel}`] : []);
    expect(gh.writes.filter((w) => w.startsWith('removeLabel'))).toEqual(tc.shouldUnshrug ? [`removeLabel ${ref} ${shrugLabel}`] : []);
    expect(gh.labelsOf(ref)).toEqual(tc.shouldShrug || (tc.hasShrug && !tc.shouldUnshrug) ? [shrugLabel] : []);
    expect(gh.comments).toHaveLength(tc.shouldUnshrug ? 1 : 0);
  });

  it('/unshrug shrugs back, escaped for Markdown, before removing the label', async () => {
    // Prepare
    const gh = new MemoryGitHub().setLabels(ref, [shrugLabel]);
    const e = event('/unshrug');

    // Act
    const outcome = await runCommands(shrug, pluginContext({ github: gh, config: undefined, repo: e.repo }), e);

    // Assess
    expect(gh.writes.map((w) => w.split(' ')[0])).toEqual(['createComment', 'removeLabel']);
    expect(gh.comments[0]!.body).toMatch(/^@Codertocat: ¯\\\\\\_\(ツ\)\\_\/¯\n/);
    expect(unshrugReply).toBe('¯\\\\\\_(ツ)\\_/¯');
    expect(outcome).toEqual({ status: 'ran', reason: `/unshrug: ${shrugLabel} removed` });
  });
});
