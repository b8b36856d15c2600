// What the jobs function receives and does with it: EventBridge schedules name a pass
// (`{ "task": "horologium" }` every minute, `reconcile` every five, `sinker` hourly), and
// CodeBuild's "Build State Change" events end the job whose build changed. One function for all
// of them: they need the same table, project and GitHub credentials, and an idle stack pays only
// for the schedules' invocations.
import type { CodeBuildCloudWatchStateEvent } from 'aws-lambda';
import type { Logger } from '../log.js';
import type { JobsRuntime } from './runtime.js';

export const jobTasks = ['horologium', 'reconcile', 'sinker'] as const;
export type JobTask = (typeof jobTasks)[number];
export type JobsEvent = { task: JobTask } | CodeBuildCloudWatchStateEvent;

/** How often EventBridge runs horologium: a cron that fired within the last tick starts a first run. */
export const horologiumTickMs = 60_000;

export class UnknownJobsEventError extends Error {
  override name = 'UnknownJobsEventError';
}

export async function handleJobsEvent(event: JobsEvent, jobs: JobsRuntime, log: Pick<Logger, 'info'>): Promise<unknown> {
  if ('task' in event) {
    switch (event.task) {
      case 'horologium': {
        const decisions = await jobs.horologium(horologiumTickMs);
        const triggered = decisions.filter((d) => d.trigger).map((d) => `${d.name}: ${d.why}`);
        log.info('horologium tick', { periodics: decisions.length, triggered });
        return { periodics: decisions.length, triggered };
      }
      case 'reconcile': {
        const counts = await jobs.reconcile();
        log.info('reconciler pass', { ...counts });
        return counts;
      }
      case 'sinker': {
        const result = await jobs.sinker();
        log.info('sinker pass', { ...result });
        return result;
      }
    }
  }
  if ((event as Partial<CodeBuildCloudWatchStateEvent>)['detail-type'] === 'CodeBuild Build State Change') {
    const outcome = await jobs.onCodeBuildEvent(event as CodeBuildCloudWatchStateEvent);
    log.info('CodeBuild build state change', { build: (event as CodeBuildCloudWatchStateEvent).detail?.['build-id'], outcome });
    return { outcome };
  }
  // A rule sending something else is a deployment mistake: fail loudly, so the error alarm says so.
  throw new UnknownJobsEventError(`the jobs function does not handle this event: ${JSON.stringify(event).slice(0, 200)}`);
}
