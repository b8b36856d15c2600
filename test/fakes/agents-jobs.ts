// Job records for the agent and reconciler tests: a pending presubmit of acme/widgets#7 unless
// overridden, with every required field of the contract filled in.
import type { JobRecord } from '../../shared/jobs/types.js';

export function jobRecord(overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: '3f2a9c0e5b7d4e1fa0c8d6b2e4f19a77',
    name: 'pull-widgets-unit',
    type: 'presubmit',
    refs: {
      org: 'acme',
      repo: 'widgets',
      baseRef: 'main',
      baseSha: 'b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0',
      pulls: [{ number: 7, author: 'alice', sha: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1', headRef: 'fix' }],
    },
    extraRefs: [],
    state: 'pending',
    createdAt: '2026-12-03T14:00:00.000Z',
    startedAt: '2026-12-03T14:00:01.000Z',
    agent: 'codebuild',
    buildNumber: '17',
    context: 'pull-widgets-unit',
    rerunCommand: '/test pull-widgets-unit',
    report: true,
    maxConcurrency: 0,
    run: {
      container: { image: 'golang:1.23', command: ['make'], args: ['test'], env: {} },
      timeoutSeconds: 7200,
    },
    labels: {},
    annotations: {},
    version: 1,
    ...overrides,
  };
}
