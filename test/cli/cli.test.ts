// The real `skiff` command as a child process (`node bin/skiff.js …`): every command answers
// --help; a mistake on the command line is one line on stderr with exit status 2 (it was a
// stack-free but cryptic "Unknown option" with status 1, or "options.port should be >= 0…");
// `phony --repo` rewrites the sample's repository; a status is printed once ("403 403 Forbidden"
// before).
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { verify } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function skiff(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/skiff.js', ...args], { cwd: root, env: { ...process.env, PORT: '', WEBHOOK_SECRET: '', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** A hook that records what it receives and answers as Skiff would to a bad signature. */
async function recordingHook(answer = { status: 403, body: '403 Forbidden: Invalid X-Hub-Signature-256' }) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${answer.body}\n`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.concurrent('skiff --help', () => {
  it.for([
    { command: 'local', mentions: '--data-dir DIR' },
    { command: 'phony', mentions: '--repo OWNER/NAME' },
    { command: 'checkconfig', mentions: '--supplemental-plugin-config-dir DIR' },
  ])('skiff $command --help prints that command’s usage and exits 0', async ({ command, mentions }, { expect }) => {
    // Act
    const run = await skiff([command, '--help']);
    // Assess
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(new RegExp(`^usage: skiff ${command} `));
    expect(run.stdout).toContain(mentions);
    expect(run.stdout.match(/usage: skiff /g)).toHaveLength(1);
  });

  it('skiff --help prints every command', async ({ expect }) => {
    const run = await skiff(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/usage: skiff (local|phony|checkconfig) /g)).toEqual(['usage: skiff local ', 'usage: skiff phony ', 'usage: skiff checkconfig ']);
  });
});

describe.concurrent('command-line mistakes: one line, exit status 2', () => {
  it.for([
    { name: 'no command', args: [], line: 'skiff: name a command: local, phony, checkconfig (skiff --help shows them)' },
    { name: 'an unknown command', args: ['serve'], line: 'skiff: unknown command "serve"; the commands are local, phony, checkconfig' },
    { name: 'an unknown option of local', args: ['local', '--bogus'], line: 'skiff local: unknown option --bogus (skiff local --help shows the options)' },
    { name: 'an unknown option of phony', args: ['phony', '--event', 'ping', '--bogus'], line: 'skiff phony: unknown option --bogus (skiff phony --help shows the options)' },
    { name: 'an unknown option of checkconfig', args: ['checkconfig', '--bogus', 'plugins.yaml'], line: 'skiff checkconfig: unknown option --bogus (skiff checkconfig --help shows the options)' },
    { name: 'an unexpected argument', args: ['local', 'now'], line: 'skiff local: unexpected argument now (skiff local --help shows the options)' },
    { name: 'phony without --event', args: ['phony'], line: 'skiff phony: --event is required, e.g. --event issue_comment (skiff phony --help shows the options)' },
    { name: 'an option missing its value', args: ['phony', '--event'], line: 'skiff phony: --event needs a value (skiff phony --help shows the options)' },
    { name: 'checkconfig without files', args: ['checkconfig'], line: 'skiff checkconfig: name a config file or directory, or --config-path / --plugin-config (skiff checkconfig --help shows the options)' },
    { name: 'a non-numeric --port', args: ['local', '--port', 'abc'], line: 'skiff local: --port must be a port number from 0 to 65535, not "abc" (skiff local --help shows the options)' },
    { name: 'an out-of-range --port', args: ['local', '--port', '70000'], line: 'skiff local: --port must be a port number from 0 to 65535, not "70000" (skiff local --help shows the options)' },
    { name: 'a negative --port', args: ['local', '--port=-1'], line: 'skiff local: --port must be a port number from 0 to 65535, not "-1" (skiff local --help shows the options)' },
    { name: 'a bad PORT for local', args: ['local'], env: { PORT: '88x8' }, line: 'skiff local: PORT must be a port number from 0 to 65535, not "88x8" (skiff local --help shows the options)' },
    { name: 'a bad PORT for phony', args: ['phony', '--event', 'ping'], env: { PORT: '99999' }, line: 'skiff phony: PORT must be a port number from 0 to 65535, not "99999" (skiff phony --help shows the options)' },
    { name: 'a --repo that is not owner/name', args: ['phony', '--event', 'issue_comment', '--repo', 'widgets'], line: 'skiff phony: --repo must be owner/name, not "widgets" (skiff phony --help shows the options)' },
    { name: '--repo with a payload file', args: ['phony', '--event', 'ping', '--payload', 'x.json', '--repo', 'acme/widgets'], line: 'skiff phony: --repo rewrites a sample payload; a --payload file is sent as it is (skiff phony --help shows the options)' },
    { name: 'an action with no sample', args: ['phony', '--event', 'issue_comment', '--action', 'exploded'], line: 'skiff phony: no issue_comment example with action "exploded"; there are: created, deleted, edited (skiff phony --help shows the options)' },
  ])('$name', async ({ args, env, line }, { expect }) => {
    // Act
    const run = await skiff(args, env);
    // Assess
    expect(run).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });
});

describe('skiff phony', () => {
  it('--repo sends the sample as if from that repository, signed', async () => {
    // Prepare
    const hook = await recordingHook({ status: 200, body: 'Event received. Have a nice day.' });
    try {
      // Act
      const run = await skiff(['phony', '--event', 'issue_comment', '--comment', '/hold', '--repo', 'acme/widgets', '--address', hook.url, '--hmac', 's3cret']);
      // Assess
      expect(run.code).toBe(0);
      const [{ headers, body }] = hook.received as [(typeof hook.received)[0]];
      expect(await verify('s3cret', body, String(headers['x-hub-signature-256']))).toBe(true);
      const payload = JSON.parse(body);
      expect(payload.repository).toMatchObject({ full_name: 'acme/widgets', name: 'widgets', owner: { login: 'acme' }, html_url: 'https://github.com/acme/widgets' });
      expect(payload.issue).toMatchObject({ url: 'https://api.github.com/repos/acme/widgets/issues/1', repository_url: 'https://api.github.com/repos/acme/widgets' });
      expect(payload.issue.pull_request.url).toBe('https://api.github.com/repos/acme/widgets/pulls/1');
      // The people stay who they were.
      expect(payload.sender.login).toBe('Codertocat');
      expect(body).not.toContain('Codertocat/Hello-World');
    } finally {
      await hook.close();
    }
  });

  it('--repo on a pull request sample with an organization rewrites the organization and the base repository', async () => {
    // Prepare: the review_requested pull_request sample carries an organization.
    const hook = await recordingHook({ status: 200, body: 'Event received. Have a nice day.' });
    try {
      // Act
      const run = await skiff(['phony', '--event', 'pull_request', '--action', 'review_requested', '--repo', 'acme/widgets', '--address', hook.url]);
      // Assess
      expect(run.code).toBe(0);
      const payload = JSON.parse(hook.received[0]!.body);
      expect(payload.organization.login).toBe('acme');
      expect(payload.pull_request.base.repo).toMatchObject({ full_name: 'acme/widgets', name: 'widgets', owner: { login: 'acme' } });
      expect(payload.repository.full_name).toBe('acme/widgets');
    } finally {
      await hook.close();
    }
  });

  it('prints the answer’s status once', async () => {
    // Prepare
    const hook = await recordingHook();
    try {
      // Act
      const run = await skiff(['phony', '--event', 'issue_comment', '--address', hook.url, '--delivery', 'd-1']);
      // Assess
      expect(run).toEqual({ code: 1, stdout: '403 Forbidden: Invalid X-Hub-Signature-256\ndelivery: d-1\n', stderr: '' });
    } finally {
      await hook.close();
    }
  });

  it('says so in one line when nothing listens at the address', async () => {
    // Prepare: a port that was just free.
    const hook = await recordingHook();
    await hook.close();
    // Act
    const run = await skiff(['phony', '--event', 'issue_comment', '--address', hook.url]);
    // Assess
    expect(run).toEqual({ code: 1, stdout: '', stderr: `skiff phony: cannot reach ${hook.url}: ECONNREFUSED (is skiff local running?)\n` });
  });
});
