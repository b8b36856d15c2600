// A job record for tests: a triggered presubmit of acme/widgets#1 unless told otherwise.
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
