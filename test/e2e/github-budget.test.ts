// One GitHub budget for several workers, end to end and short (the benchmark bench/github-budget.ts
// runs the full 5 processes and 600 writes): three workers — each the plugins function's dispatch
// deps and a queue poller, with its own DynamoDB budget client — share the DynamoDB/SQS/S3 stand-ins
// and drain queued `/hold` commands with duplicates, against a fake GitHub that enforces GitHub's
// secondary limits on a scaled clock. The budget keeps all of them under the limits together: no
// secondary-limit answer, every pull request labelled exactly once, nothing dead-lettered.
import { describe, expect, it } from 'vitest';
import { runBudgetScenario } from '../../bench/github-budget.js';

describe('a shared GitHub budget across workers', () => {
  it('three workers draining 24 writes and 3 duplicates together never draw a secondary-limit answer, and write each once', async () => {
    // Prepare: 5 content-creating requests per scaled minute of 2 s, on both sides: well under
    // what three workers do unpaced, so the budget has to hold them back.
    const scenario = {
      workers: 3,
      events: 24,
      duplicateEvery: 10,
      minuteMs: 2_000,
      mode: 'shared' as const,
      limits: { contentPerMinute: 5 },
      budgetConfig: { content_per_minute: 5 },
      spawn: 'in-process' as const,
      timeoutMs: 60_000,
      latencyMs: 2,
    };

    // Act
    const result = await runBudgetScenario(scenario);

    // Assess
    expect(result.done).toBe(true);
    expect(result.secondary.refusedTotal).toBe(0);
    expect({ lost: result.lost, duplicated: result.duplicated, deadLettered: result.deadLettered }).toEqual({ lost: 0, duplicated: 0, deadLettered: 0 });
    // The budget did hold writes back, and their traces say so.
    expect(result.waitedForBudget).toBeGreaterThan(0);
    expect(result.secondary.peakContentPerSlidingMinute).toBeLessThanOrEqual(5);
  }, 90_000);
});
