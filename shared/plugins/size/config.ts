// The `size` section of plugins.yaml: the smallest line count of each size label. Same keys,
// defaults and "0 means default" rule as Prow (pkg/plugins/config.go `Size`,
// pkg/plugins/size/size.go `sizesOrDefault`).
// Namespace import: unlike `import { z }`, it lets the bundler drop zod's unused locales (~360 KB).
import * as z from 'zod';

export const defaultSizes = { s: 10, m: 30, l: 100, xl: 500, xxl: 1000 } as const;

const order = ['s', 'm', 'l', 'xl', 'xxl'] as const;

// Prow reads these into Go ints, where an absent key and 0 are the same thing: "use the default".
const threshold = z.number().int().nonnegative().optional();

export const sizeConfigSchema = z
  // Strict, so a typo such as `xxxl:` or an upper-case `XL:` is an error rather than silently
  // falling back to the default.
  .strictObject({ s: threshold, m: threshold, l: threshold, xl: threshold, xxl: threshold })
  // `size:` with nothing under it, or no `size:` at all, means all defaults.
  .nullish()
  .transform((raw) => ({
    s: raw?.s || defaultSizes.s,
    m: raw?.m || defaultSizes.m,
    l: raw?.l || defaultSizes.l,
    xl: raw?.xl || defaultSizes.xl,
    xxl: raw?.xxl || defaultSizes.xxl,
  }))
  // Prow does not check this and quietly labels everything by the first threshold that fits;
  // thresholds out of order are always a mistake, so say so at load time.
  .superRefine((sizes, ctx) => {
    for (let i = 1; i < order.length; i++) {
      const lower = order[i - 1]!;
      const upper = order[i]!;
      if (sizes[lower] >= sizes[upper]) {
        const got = order.map((k) => `${k}=${sizes[k]}`).join(', ');
        ctx.addIssue({
          code: 'custom',
          path: [upper],
          message: `size thresholds must increase (s < m < l < xl < xxl, after 0 or absent becomes the default); ${upper} must be greater than ${lower}, got ${got}`,
        });
        return;
      }
    }
  });

/** The thresholds with defaults applied: the smallest line count of each label. */
export type SizeConfig = z.output<typeof sizeConfigSchema>;
