// What an acknowledged event survives: `skiff local` as a real process, a stream of signed
// `/hold` deliveries from several senders, `kill -9` in the middle of it, a restart on the same
// data directory. Every delivery answered 200 before the kill must be processed after the
// restart (lost: target 0). A label write may happen twice when the kill falls between GitHub's
// answer and the claim being marked done; labels are idempotent, and the count is reported.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../infra/bundle.js';
import { FakeGitHub } from '../test/fakes/github-server.js';
import type { MetricReport } from './metric.js';
import { benchRepo, paddedCommentJson } from './payloads.js';
import { pollUntil, withTimeout } from './waiting.js';
import { WebhookClient } from './webhook-client.js';

const secret = 'kill-nine-secret';
const senders = 5;
const perSender = 20;
/** Each sender's pause between deliveries: 10 deliveries a second in all. */
const pauseMs = 500;
// The kill comes once the worker has written this often, so it falls in the middle of both the
// acks and the processing. Skiff paces GitHub writes at one a second, as GitHub asks.
const killAfterWrites = 3;
const hold = 'do-not-merge/hold';

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

async function launch(dataDir: string, env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ['bin/skiff.js', 'local', '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let url: string | undefined;
  const started = await pollUntil(() => Boolean((url = /Skiff is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1])), 30_000, 50);
  if (!started) {
    child.kill('SIGKILL');
    throw new Error(`skiff local did not start:\n${out}`);
  }
  return { child, url: url!, exited };
}

export async function measureKillNine(): Promise<MetricReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'skiff-kill-nine-'));
  const github = await FakeGitHub.start({ botLogin: 'skiff-bot' });
  writeFileSync(path.join(dir, 'plugins.yaml'), `plugins:\n  ${benchRepo}: [hold]\n`);
  const env = { SKIFF_CONFIG: path.join(dir, 'plugins.yaml'), WEBHOOK_SECRET: secret, GITHUB_TOKEN: 'kill-nine-token', GITHUB_API_URL: github.url, LOG_LEVEL: 'ERROR', PORT: '' };
  const dataDir = path.join(dir, 'data');
  const acked = new Set<number>();
  let refused = 0;
  let second: Running | undefined;
  try {
    const first = await launch(dataDir, env);
    const client = new WebhookClient(first.url, secret, { maxSockets: senders, timeoutMs: 10_000 });
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      first.child.kill('SIGKILL');
    };
    await Promise.all(
      Array.from({ length: senders }, async (_, s) => {
        for (let i = 0; i < perSender && !killed; i++) {
          const number = 1 + s * perSender + i;
          const result = await client.post({ event: 'issue_comment', delivery: `kill-nine-${number}`, body: paddedCommentJson(number, '/hold', 2_000) });
          if (result.status === 200) acked.add(number);
          else refused++;
          if (github.writes().length >= killAfterWrites) kill();
          else await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      }),
    );
    kill();
    client.close();
    await withTimeout('the killed process to exit', 10_000, first.exited);
    const writesBeforeRestart = github.writes().length;

    second = await launch(dataDir, env);
    const labelled = () => [...acked].filter((n) => github.labelsOf(benchRepo, n).includes(hold)).length;
    // An event whose plugin the killed process had claimed waits for the claim's lease (35 s) and
    // the queue's visibility timeout (30 s) before another worker may run it: the claim cannot
    // tell a dead holder from a slow one. Then one write a second.
    await pollUntil(() => labelled() === acked.size, 90_000 + acked.size * 1500, 100);
    // A little longer, so a duplicate still on its way is counted too.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const lost = acked.size - labelled();
    if (lost) console.error(`kill-nine: not labelled: ${[...acked].filter((n) => !github.labelsOf(benchRepo, n).includes(hold)).join(', ')}`);
    const writes = github.writes().filter((w) => w.startsWith('addLabel'));
    const perNumber = new Map<string, number>();
    for (const write of writes) perNumber.set(write, (perNumber.get(write) ?? 0) + 1);
    const duplicated = [...perNumber.values()].filter((n) => n > 1).length;
    return {
      title: 'Acknowledged events across kill -9',
      rows: [
        { metric: `Acknowledged events lost across kill -9 (${acked.size} acked)`, value: String(lost), target: '0', pass: lost === 0 },
        { metric: 'Label writes repeated after the restart (idempotent)', value: `${duplicated} of ${perNumber.size}` },
      ],
      how: [
        `\`node bin/skiff.js local --data-dir …\` as a child process against the fake GitHub; ${senders} senders post signed \`/hold\` deliveries, each on its own pull request; ${1000 / pauseMs} a second each; once the worker has made ${killAfterWrites} GitHub writes the process is killed with SIGKILL, with requests and the worker still running; a new process on the same data directory replays what the previous one acknowledged and did not finish.`,
        'Lost: acknowledged deliveries whose pull request never got the label (waiting up to 90 s plus 1.5 s an event: an event the killed process had claimed runs once the claim\'s 35 s lease and the 30 s visibility timeout are over). Repeated: pull requests whose label was written more than once (the kill fell between GitHub answering and the claim being marked done; a later issue journals each write).',
      ],
      findings: lost ? [`${lost} acknowledged events were lost across kill -9.`] : [],
      details: [`${acked.size} acknowledged, ${refused} not answered 200 (the kill cut them off), ${writesBeforeRestart} GitHub writes before the kill, ${writes.length} label writes in all`],
    };
  } finally {
    second?.child.kill('SIGTERM');
    if (second) await withTimeout('the second process to exit', 15_000, second.exited).catch(() => second?.child.kill('SIGKILL'));
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureKillNine(), null, 2));
  process.exit(0);
}
