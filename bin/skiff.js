#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npm start` needs no build step.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../shared/cli/main.ts');
