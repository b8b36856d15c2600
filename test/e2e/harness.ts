// End-to-end harness: a fake GitHub over HTTP, Skiff's local mode (embedded DynamoDB, SQS and
// S3 stand-ins, the real Octokit) pointed at it, and helpers to post signed real payloads and
// wait for their traces. Nothing here is mocked below the HTTP line.
import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { samplePayload } from '../../shared/cli/sample-payloads.js';
import { startLocal, type LocalOptions, type LocalSkiff } from '../../shared/local/local-mode.js';
import { createLogger } from '../../shared/log.js';
import type { Trace } from '../../shared/storage/ports.js';
import { FakeGitHub } from '../fakes/github-server.js';

export const secret = 'e2e-webhook-secret';
export const configRepo = 'acme/prow-config';
/** The repository of @octokit/webhooks-examples' payloads. */
export const repo = 'Codertocat/Hello-World';

export const validConfig = `plugins:\n  ${repo}:\n    plugins: [hold, size]\n`;

export interface Harness {
  github: FakeGitHub;
  skiff: LocalSkiff;
  post(event: string, payload: unknown, delivery?: string): Promise<{ status: number; body: string; delivery: string }>;
  /** Polls the read API until the delivery reaches `status` (default processed) and `until` holds. */
  settled(delivery: string, status?: Trace['status'], until?: (trace: Trace) => boolean): Promise<Trace>;
  close(): Promise<void>;
}

export async function startHarness(options: { config?: string; env?: Record<string, string>; skiff?: Partial<LocalOptions> } = {}): Promise<Harness> {
  const github = await FakeGitHub.start({ botLogin: 'skiff-bot' });
  github.setFile(configRepo, 'main', 'plugins.yaml', options.config ?? validConfig);
  let skiff: LocalSkiff;
  try {
    skiff = await startLocal({
      env: {
        SKIFF_CONFIG: `${configRepo}:plugins.yaml`,
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: 'e2e-token',
        WEBHOOK_SECRET: secret,
        // The fake GitHub enforces no limits unless a test asks (test/e2e/github-budget.test.ts does).
        SKIFF_GITHUB_BUDGET: 'off',
        ...options.env,
      },
      port: 0,
      // Retries come back fast: a failed record is visible again after two seconds (long enough
      // that a record still being processed is not redelivered under the worker).
      visibilityTimeoutSeconds: 2,
      octokit: { writeIntervalMs: 0, retryBaseMs: 5 },
      log: createLogger({ logLevel: process.env.E2E_LOG_LEVEL ?? 'CRITICAL' }),
      ...options.skiff,
    });
  } catch (error) {
    await github.close();
    throw error;
  }

  const post: Harness['post'] = async (event, payload, delivery = randomUUID()) => {
    const body = JSON.stringify(payload);
    const response = await fetch(`${skiff.url}/hook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': event,
        'x-github-delivery': delivery,
        'x-hub-signature-256': await sign(secret, body),
      },
      body,
    });
    return { status: response.status, body: await response.text(), delivery };
  };

  const settled: Harness['settled'] = async (delivery, status = 'processed', until = () => true) => {
    const deadline = Date.now() + 20_000;
    let last: unknown;
    while (Date.now() < deadline) {
      const response = await fetch(`${skiff.url}/api/deliveries/${delivery}`);
      if (response.ok) {
        const trace = (await response.json()) as Trace;
        last = trace;
        if (trace.status === status && until(trace)) return trace;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`delivery ${delivery} did not become ${status}; last trace: ${JSON.stringify(last)}`);
  };

  return {
    github,
    skiff,
    post,
    settled,
    async close() {
      await skiff.close();
      await github.close();
    },
  };
}

/** A real issue_comment payload on a pull request of Codertocat/Hello-World (#1 unless `number` says). */
export function prComment(body: string, options: { action?: 'created' | 'edited' | 'deleted'; login?: string; number?: number } = {}) {
  const payload = samplePayload('issue_comment', options.action ?? 'created');
  payload.comment.body = body;
  if (options.login) payload.comment.user.login = options.login;
  if (options.number !== undefined) {
    payload.issue.number = options.number;
    payload.issue.url = String(payload.issue.url).replace(/\/issues\/\d+$/, `/issues/${options.number}`);
    payload.issue.html_url = String(payload.issue.html_url).replace(/\/issues\/\d+$/, `/pull/${options.number}`);
  }
  const url = String(payload.issue.url).replace('/issues/', '/pulls/');
  payload.issue.pull_request = { url, html_url: payload.issue.html_url, diff_url: `${url}.diff`, patch_url: `${url}.patch` };
  return payload;
}

export const prNumber = (payload: { issue: { number: number } }) => payload.issue.number;
