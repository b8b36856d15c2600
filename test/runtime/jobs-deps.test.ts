// The AWS composition root's job log links: signed from SKIFF_JOB_LOG_BASE_URL and the webhook
// secret, none without the base URL (jobLogLinks=false), and the console page (undefined) with a
// warning when the secret cannot be read, so a started build is still recorded.
import { describe, expect, it } from 'vitest';
import { jobLogLinks } from '../../shared/jobs/job-log-link.js';
import { parseHmacSecrets } from '../../shared/hook/hmac.js';
import { signedLogLinks } from '../../shared/runtime/jobs-deps.js';
import { pendingJobRecord } from '../fakes/plank-job-record.js';

const id = '0123456789abcdef0123456789abcdef';

function recordingLog() {
  const warnings: string[] = [];
  const log = { warn: (message: string, extra: Record<string, unknown>) => void warnings.push(`${message} ${JSON.stringify(extra)}`) };
  return { log, warnings };
}

describe('signedLogLinks', () => {
  it('signs the link the api function checks, under the stage endpoint', async () => {
    const { log, warnings } = recordingLog();
    const url = await signedLogLinks({ SKIFF_JOB_LOG_BASE_URL: 'https://abc123.execute-api.us-west-2.amazonaws.com/', WEBHOOK_SECRET: 'webhook-secret-for-tests' }, log)!(pendingJobRecord({ id }));
    expect(url).toMatch(new RegExp(`^https://abc123\\.execute-api\\.us-west-2\\.amazonaws\\.com/jobs/${id}/log\\?sig=[0-9a-f]{64}$`));
    expect(await jobLogLinks(async () => parseHmacSecrets('webhook-secret-for-tests')).check(id, new URL(url!).searchParams.get('sig'))).toEqual({ ok: true });
    expect(warnings).toEqual([]);
  });

  it.each([{ env: {} }, { env: { SKIFF_JOB_LOG_BASE_URL: '  ', WEBHOOK_SECRET: 'x' } }])('is off without a base URL: $env', ({ env }) => {
    expect(signedLogLinks(env, recordingLog().log)).toBeUndefined();
  });

  it('answers undefined (the console page) and warns, naming no secret, when the secret cannot be read', async () => {
    const { log, warnings } = recordingLog();
    expect(await signedLogLinks({ SKIFF_JOB_LOG_BASE_URL: 'https://abc123.example/' }, log)!(pendingJobRecord({ id }))).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^could not sign the job log link; the status links to the CodeBuild console instead .*no webhook secret/)]);
  });
});
