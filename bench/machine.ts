// The machine and code a run measured, for BENCHMARKS.md.
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started: other work on the machine skews the numbers. */
  loadAtStart: number;
  /**
   * Milliseconds per MiB to write memory the process touches for the first time, and to write
   * it again. A garbage collector copying into fresh pages pays the first; virtual machines can
   * make it many times the second, which lengthens GC pauses (and so latency tails).
   */
  memoryTouch: { firstMsPerMiB: number; againMsPerMiB: number };
  commit: string;
  date: string;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return undefined;
  }
}

function measureMemoryTouch(mib = 64): Machine['memoryTouch'] {
  // Buffer.alloc gets zeroed pages from the OS lazily, so the first fill faults every page in.
  const buffer = Buffer.alloc(mib * 1024 * 1024);
  let start = performance.now();
  buffer.fill(1);
  const first = performance.now() - start;
  start = performance.now();
  buffer.fill(2);
  const again = performance.now() - start;
  return { firstMsPerMiB: first / mib, againMsPerMiB: again / mib };
}

export function describeMachine(now = new Date()): Machine {
  const cpus = os.cpus();
  const head = git(['rev-parse', '--short', 'HEAD']);
  const changed = git(['status', '--porcelain'])?.split('\n').filter(Boolean).length ?? 0;
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAtStart: os.loadavg()[0] ?? Number.NaN,
    memoryTouch: measureMemoryTouch(),
    commit: head ? `${head}${changed ? ` with ${changed} uncommitted change${changed === 1 ? '' : 's'} in the working tree` : ''}` : 'unknown (not a git checkout)',
    date: now.toISOString(),
  };
}
