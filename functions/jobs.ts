// EventBridge schedules (horologium, reconciler, sinker) and CodeBuild build state changes →
// shared/jobs/jobs-events.ts over the jobs runtime (shared/runtime/jobs-deps.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { githubSection } from '../shared/github/budget-settings.js';
import { handleJobsEvent, type JobsEvent } from '../shared/jobs/jobs-events.js';
import { createLogger } from '../shared/log.js';
import { githubAndConfig } from '../shared/runtime/dispatch-deps.js';
import { jobsRuntimeFromEnv } from '../shared/runtime/jobs-deps.js';

const log = createLogger();
const dynamodb = new DynamoDBClient({});
// Crier's statuses and comments count against the same GitHub budget as the plugins' writes.
const { github, config, budgetSettings } = await githubAndConfig(process.env, log, { dynamodb });
const jobs = jobsRuntimeFromEnv(process.env, { dynamodb }, github, config, log);
if (!jobs) throw new Error('the jobs function needs SKIFF_JOBS_TABLE');
const runtime = jobs;

export const handler = async (event: JobsEvent) => {
  budgetSettings.use((await config.get()).config.sections[githubSection.key]);
  return handleJobsEvent(event, runtime, log);
};
