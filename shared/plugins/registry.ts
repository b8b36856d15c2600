// Every plugin Skiff has, by Prow name. Adding a plugin is one line here; nothing registers
// itself on import, so this list is the whole truth. For one event, the enabled plugins run in
// this order, each under its own claim.
import type { Plugin } from './types.js';
import { approve } from './approve/index.js';
import { assign } from './assign/index.js';
import { blunderbuss } from './blunderbuss/index.js';
import { hold } from './hold/index.js';
import { lgtm } from './lgtm/index.js';
import { ownersLabel } from './owners-label/index.js';
import { size } from './size/index.js';
import { verifyOwners } from './verify-owners/index.js';

export const plugins: readonly Plugin[] = [approve, assign, blunderbuss, hold, lgtm, ownersLabel, size, verifyOwners];

export const pluginNames: readonly string[] = plugins.map((p) => p.name);
