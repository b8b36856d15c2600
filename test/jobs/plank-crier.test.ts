// Plank and crier composed as the functions will compose them, on the real DynamoDB store (dynalite,
// the jobs table as local mode creates it) and the fake GitHub over HTTP: a presubmit's statuses go
// pending → failure with the summary comment, `/retest`'s run passes and the summary is removed; a
// new push aborts a running job (status failure, "Aborted by trigger plugin.").
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextDescriptionWithBaseSha, createCrier, summaryComment } from '../../shared/jobs/crier.js';
import { createPlank } from '../../shared/jobs/plank.js';
import { DynamoJobStore } from '../../shared/jobs/store/dynamo-job-store.js';
import type { Refs } from '../../shared/jobs/types.js';
import { startStandIns, type StandIns } from '../../shared/local/stand-ins.js';
import { MemoryGitHub } from '../fakes/memory-github.js';
import { presubmit, RecordingAgent } from '../fakes/plank-jobs.js';

let standIns: StandIns;

beforeAll(async () => {
  standIns = await startStandIns();
});

afterAll(async () => {
  await standIns?.close();
});

function setup() {
  const gh = new MemoryGitHub({ botLogin: 'skiff-bot' });
  const store = new DynamoJobStore(standIns.clients.dynamodb, standIns.jobsTable);
  const agent = new RecordingAgent();
  const clock = { ms: Date.parse('2024-05-01T12:00:00Z') };
  const report = createCrier({ githubFor: () => gh, store, botLogin: 'skiff-bot' });
  const plank = createPlank({ store, agents: () => agent, report, config: () => ({ maxConcurrency: 0 }), now: () => clock.ms });
  // Each test its own repository and deliveries: the table is shared (a delivery id is unique in life too).
  const repo = `widgets-${randomUUID().slice(0, 8)}`;
  const refs = (sha: string): Refs => ({ org: 'acme', repo, baseRef: 'main', baseSha: 'b'.repeat(40), pulls: [{ number: 1, author: 'alice', sha, headRef: 'feature', title: 'Add' }] });
  return { gh, store, agent, clock, plank, repo, refs };
}

const desc = (text: string) => contextDescriptionWithBaseSha(text, 'b'.repeat(40));

describe('plank + crier on DynamoDB and the fake GitHub', () => {
  it('fail, summary, /retest passes, summary removed; each state set once', async () => {
    // Prepare
    const { gh, plank, clock, repo, refs } = setup();
    const unit = presubmit('unit');
    const sha = 'c'.repeat(40);

    // Act
    const [first] = await plank.trigger([{ definition: unit, type: 'presubmit', refs: refs(sha), cause: `${repo}-delivery-1` }]);
    const afterStart = gh.statusesOf(`acme/${repo}`, sha);
    clock.ms += 60_000;
    await plank.finish(first!.id, { state: 'failure', url: 'http://logs.example/local-1' });
    const afterFailure = { statuses: gh.statusesOf(`acme/${repo}`, sha), comments: gh.commentsOf(`acme/${repo}#1`).map((c) => c.body) };
    clock.ms += 60_000;
    const [second] = await plank.trigger([{ definition: unit, type: 'presubmit', refs: refs(sha), cause: `${repo}-delivery-2` }]);
    clock.ms += 60_000;
    await plank.finish(second!.id, { state: 'success' });

    // Assess
    expect(afterStart).toEqual([{ context: 'unit', state: 'pending', description: desc('Job triggered.'), targetUrl: 'http://logs.example/local-1' }]);
    expect(afterFailure.statuses).toEqual([{ context: 'unit', state: 'failure', description: desc('Job failed.'), targetUrl: 'http://logs.example/local-1' }]);
    expect(afterFailure.comments).toEqual([summaryComment('alice', [`unit | ${sha} | [link](http://logs.example/local-1) | true | \`/test unit\``])]);
    expect(gh.statusesOf(`acme/${repo}`, sha)).toEqual([{ context: 'unit', state: 'success', description: desc('Job succeeded.'), targetUrl: 'http://logs.example/local-2' }]);
    expect(gh.commentsOf(`acme/${repo}#1`)).toEqual([]);
    // triggered, pending, failure; triggered, pending, success: no state set twice.
    expect(gh.writes.filter((w) => w.startsWith('createStatus')).map((w) => w.split(' ').slice(2, 4).join(' '))).toEqual([
      'unit pending',
      'unit pending',
      'unit failure',
      'unit pending',
      'unit pending',
      'unit success',
    ]);
  });

  it('a new push aborts the running job: its status on the old commit is failure with the abort reason', async () => {
    // Prepare
    const { gh, store, agent, plank, repo, refs } = setup();
    const old = 'd'.repeat(40);
    await plank.trigger([{ definition: presubmit('unit'), type: 'presubmit', refs: refs(old), cause: `${repo}-delivery-1` }]);

    // Act
    const running = (await store.byPull('acme', repo, 1)).filter((j) => j.state === 'pending');
    await plank.abort(running, 'Aborted by trigger plugin.');

    // Assess
    expect(gh.statusesOf(`acme/${repo}`, old)).toEqual([{ context: 'unit', state: 'failure', description: desc('Aborted by trigger plugin.'), targetUrl: 'http://logs.example/local-1' }]);
    expect(agent.calls).toEqual(['start unit', 'abort unit local-1']);
    expect(gh.commentsOf(`acme/${repo}#1`)).toEqual([]);
  });
});
