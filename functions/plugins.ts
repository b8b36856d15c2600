// SQS FIFO batch → shared/hook/worker.ts (dispatch per record, partial batch failures).
import type { SQSEvent } from 'aws-lambda';
import { processBatch } from '../shared/hook/worker.js';
import { createLogger } from '../shared/log.js';
import { awsClients } from '../shared/runtime/aws-clients.js';
import { dispatchDeps } from '../shared/runtime/dispatch-deps.js';

const log = createLogger();
const deps = await dispatchDeps(process.env, awsClients(), log);

export const handler = (event: SQSEvent) => processBatch(event, deps);
