// EventBridge schedules (horologium, reconciler, sinker) and CodeBuild build state changes →
// shared/jobs/jobs-events.ts over the jobs runtime (shared/runtime/jobs-deps.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { handleJobsEvent, type JobsEvent } from '../shared/jobs/jobs-events.js';
import { createLogger } from '../shared/log.js';
import { githubAndConfig } from '../shared/runtime/dispatch-deps.js';
import { jobsRuntimeFromEnv } from '../shared/runtime/jobs-deps.js';

const log = createLogger();
const { github, config } = await githubAndConfig(process.env, log);
const jobs = jobsRuntimeFromEnv(process.env, { dynamodb: new DynamoDBClient({}) }, github, config, log);
if (!jobs) throw new Error('the jobs function needs SKIFF_JOBS_TABLE');
const runtime = jobs;

export const handler = (event: JobsEvent) => handleJobsEvent(event, runtime, log);
