// `github.budget` in config.yaml: the limits the shared GitHub budget keeps under (budget.ts).
// Defaults are github.com's published secondary limits; a GitHub Enterprise Server sets its own,
// or turns the budget off where it has none:
//
//   github:
//     budget:
//       enabled: true            # false: no shared pacing
//       content_per_minute: 80   # 0: that limit is not kept
//       content_per_hour: 500
//       points_per_minute: 900
//       read_points: 1
//       write_points: 5
//       concurrent: 100
//       safety_margin: 0.05      # the share of each limit left unused
//
// `github:` is Prow's own config.yaml section (link_url and the like): its other keys are left
// as they are. The config is read from GitHub, through clients that already need a budget, so a
// container starts on the defaults and takes the config's numbers when dispatch first loads it.
import * as z from 'zod';
import { githubLimits, type BudgetLimits } from './budget.js';

const count = z.number().int().min(0);

const budgetSchema = z
  .strictObject({
    enabled: z.boolean().nullish(),
    content_per_minute: count.nullish(),
    content_per_hour: count.nullish(),
    points_per_minute: count.nullish(),
    read_points: count.nullish(),
    write_points: count.nullish(),
    concurrent: count.nullish(),
    safety_margin: z.number().min(0).max(0.9).nullish(),
  })
  .nullish();

export type BudgetSection = Omit<BudgetLimits, 'minuteMs' | 'hourMs'>;

const schema: z.ZodType<{ budget: BudgetSection }> = z
  .looseObject({ budget: budgetSchema })
  .nullish()
  .transform((raw) => {
    const b = raw?.budget;
    return {
      ...raw,
      budget: {
        enabled: b?.enabled ?? githubLimits.enabled,
        contentPerMinute: b?.content_per_minute ?? githubLimits.contentPerMinute,
        contentPerHour: b?.content_per_hour ?? githubLimits.contentPerHour,
        pointsPerMinute: b?.points_per_minute ?? githubLimits.pointsPerMinute,
        readPoints: b?.read_points ?? githubLimits.readPoints,
        writePoints: b?.write_points ?? githubLimits.writePoints,
        concurrent: b?.concurrent ?? githubLimits.concurrent,
        safetyMargin: b?.safety_margin ?? githubLimits.safetyMargin,
      },
    };
  });

export const githubSection = { key: 'github', schema };

/** The limits in force: the defaults (or a test's), then whatever the newest config says. */
export class BudgetSettings {
  private current: BudgetLimits;

  constructor(private readonly base: BudgetLimits = githubLimits) {
    this.current = base;
  }

  readonly limits = (): BudgetLimits => this.current;

  /** Takes the config's `github` section (parsed by githubSection); undefined keeps the defaults. */
  use(section: unknown): void {
    const budget = (section as { budget?: BudgetSection } | undefined)?.budget;
    this.current = budget ? { ...this.base, ...budget } : this.base;
  }
}
