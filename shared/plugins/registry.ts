// Every plugin Skiff has, by Prow name. Adding a plugin is one line here; nothing registers
// itself on import, so this list is the whole truth.
import type { Plugin } from './types.js';
import { hold } from './hold/index.js';
import { size } from './size/index.js';

export const plugins: readonly Plugin[] = [hold, size];

export const pluginNames: readonly string[] = plugins.map((p) => p.name);
