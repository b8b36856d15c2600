// Job records for tests, with every required field of the contract filled in: `jobRecord` is a
// triggered presubmit of acme/widgets#1 (what plank creates), `pendingJobRecord` the same job once
// started as a CodeBuild build (what the agents, their events and the reconciler see). Overrides
// replace whole fields.
import type { JobRecord } from '../../shared/jobs/types.js';

export function jobRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: 'job-1',
    name: 'unit',
    type: 'presubmit',
    refs: {
      org: 'acme',
      repo: 'widgets',
      baseRef: 'main',
      baseSha: 'base000000000000000000000000000000000000',
      pulls: [{ number: 1, author: 'alice', sha: 'head000000000000000000000000000000000000', title: 'Add a widget', headRef: 'feature' }],
    },
    extraRefs: [],
    state: 'triggered',
    createdAt: '2024-05-01T12:00:00.000Z',
    agent: 'local',
    buildNumber: '1',
    context: 'unit',
    rerunCommand: '/test unit',
    report: true,
    optional: false,
    maxConcurrency: 0,
    run: { timeoutSeconds: 7200, container: { image: 'golang:1.22', command: ['make'], args: ['test'], env: {} } },
    labels: {},
    annotations: {},
    version: 1,
    ...overrides,
  };
}

/** The job of `jobRecord` started on the codebuild agent a second after it was created. */
export function pendingJobRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return jobRecord({ state: 'pending', startedAt: '2024-05-01T12:00:01.000Z', agent: 'codebuild', ...overrides });
}
