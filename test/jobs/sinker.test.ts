// Prow's cmd/sinker/main_test.go TestClean, for job records, with an injected clock.
import { describe, expect, it } from 'vitest';
import { sinkerRun } from '../../shared/jobs/sinker.js';
import type { JobRecord, JobState, JobType } from '../../shared/jobs/types.js';

const now = new Date('2026-12-03T12:00:00Z');
const hour = 3_600_000;
const maxJobAgeMs = 7 * 24 * hour;

const job = (id: string, over: { type?: JobType; name?: string; state?: JobState; ageHours: number; startedHoursAgo?: number; timeoutSeconds?: number }): JobRecord => ({
  id,
  name: over.name ?? id,
  type: over.type ?? 'presubmit',
  extraRefs: [],
  state: over.state ?? 'success',
  createdAt: new Date(now.getTime() - over.ageHours * hour).toISOString(),
  ...(over.startedHoursAgo !== undefined ? { startedAt: new Date(now.getTime() - over.startedHoursAgo * hour).toISOString() } : {}),
  agent: 'local',
  buildNumber: '1',
  report: true,
  maxConcurrency: 0,
  run: { timeoutSeconds: over.timeoutSeconds ?? 7200 },
  labels: {},
  annotations: {},
  version: 1,
});

function store(jobs: JobRecord[]) {
  const all = new Map(jobs.map((j) => [j.id, j]));
  const timedOut: string[] = [];
  /** The names of each latestRuns call. */
  const latestReads: string[][] = [];
  return {
    all,
    timedOut,
    latestReads,
    deps: {
      byState: async (state: JobState, limit: number) =>
        [...all.values()].filter((j) => j.state === state).sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, limit),
      latestRuns: async (names: readonly string[]) => {
        latestReads.push([...names]);
        return new Map(names.map((name) => [name, [...all.values()].filter((j) => j.name === name).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]]));
      },
      delete: async (id: string) => void all.delete(id),
      timeOut: async (j: JobRecord, description: string) => void timedOut.push(`${j.id}: ${description}`),
    },
  };
}

describe('sinker', () => {
  it('deletes what Prow deletes and keeps what horologium needs', async () => {
    const s = store([
      job('old-failed', { state: 'failure', ageHours: 200 }),
      job('old-succeeded', { ageHours: 200 }),
      job('old-aborted', { state: 'aborted', ageHours: 200 }),
      job('old-error', { state: 'error', ageHours: 200 }),
      job('new-succeeded', { ageHours: 1 }),
      job('old-pending', { state: 'pending', ageHours: 200, startedHoursAgo: 1, timeoutSeconds: 3 * 3600 }),
      job('old-triggered', { state: 'triggered', ageHours: 200 }),
      job('old-periodic', { type: 'periodic', name: 'retester', ageHours: 300 }),
      job('new-periodic', { type: 'periodic', name: 'retester', ageHours: 1 }),
      job('older-periodic', { type: 'periodic', name: 'oldester', ageHours: 300 }),
      job('old-periodic-newest', { type: 'periodic', name: 'oldester', ageHours: 200 }),
      job('old-periodic-removed-from-config', { type: 'periodic', name: 'gone', ageHours: 200 }),
    ]);
    const result = await sinkerRun({ ...s.deps, periodics: ['retester', 'oldester'], maxJobAgeMs, now, pageSize: 2 });
    expect([...s.all.keys()].sort()).toEqual(['new-periodic', 'new-succeeded', 'old-pending', 'old-periodic-newest', 'old-triggered']);
    expect(result).toEqual({ deleted: 7, kept: 1, timedOut: 0 });
    // One batched read of every periodic in config, not a query per old periodic record.
    expect(s.latestReads).toEqual([['retester', 'oldester']]);
  });

  it('reads no newest runs when no old periodic record is in question', async () => {
    const s = store([job('old-succeeded', { ageHours: 200 }), job('new-periodic', { type: 'periodic', name: 'retester', ageHours: 1 })]);
    const result = await sinkerRun({ ...s.deps, periodics: ['retester'], maxJobAgeMs, now });
    expect(result).toEqual({ deleted: 1, kept: 0, timedOut: 0 });
    expect(s.latestReads).toEqual([]);
  });

  it.each([
    { name: 'pending past its timeout', startedHoursAgo: 3, timeoutSeconds: 7200, timedOut: ['p: Job timed out after 2h.'] },
    { name: 'pending within its timeout', startedHoursAgo: 1, timeoutSeconds: 7200, timedOut: [] },
    { name: 'odd timeout is said exactly', startedHoursAgo: 1, timeoutSeconds: 90, timedOut: ['p: Job timed out after 1m30s.'] },
  ])('$name', async ({ startedHoursAgo, timeoutSeconds, timedOut }) => {
    const s = store([job('p', { state: 'pending', ageHours: startedHoursAgo, startedHoursAgo, timeoutSeconds })]);
    await sinkerRun({ ...s.deps, periodics: [], maxJobAgeMs, now });
    expect(s.timedOut).toEqual(timedOut);
  });

  it('walks past a page of kept periodics', async () => {
    const jobs = [
      ...['a', 'b', 'c'].map((n) => job(`keep-${n}`, { type: 'periodic', name: n, ageHours: 400 })),
      ...Array.from({ length: 5 }, (_, i) => job(`old-${i}`, { ageHours: 300 - i })),
    ];
    const s = store(jobs);
    const result = await sinkerRun({ ...s.deps, periodics: ['a', 'b', 'c'], maxJobAgeMs, now, pageSize: 2 });
    expect(result.deleted).toBe(5);
    expect([...s.all.keys()].sort()).toEqual(['keep-a', 'keep-b', 'keep-c']);
  });
});
