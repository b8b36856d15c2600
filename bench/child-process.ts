// Runs a load generator in its own Node process, so its work does not share an event loop (or
// stall the timers) of the server it measures. The plan goes as the first IPC message; the
// child answers `{ ok, result | error }` once. Killed if it has not answered in time.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function runChild<Plan, Result>(module: URL, plan: Plan, timeoutMs: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const name = fileURLToPath(module).split('/').pop();
    const child = fork(fileURLToPath(module), [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const finish = (error: Error | undefined, result?: Result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve(result!);
    };
    const timer = setTimeout(() => finish(new Error(`${name}: no result within ${timeoutMs / 1000} s`)), timeoutMs);
    child.on('message', (message: { ok: boolean; result?: Result; error?: string }) =>
      finish(message.ok ? undefined : new Error(`${name} failed: ${message.error}`), message.result),
    );
    child.on('error', (error) => finish(error));
    child.on('exit', (code) => finish(new Error(`${name} exited with code ${code} before reporting`)));
    child.send(plan as object);
  });
}

/**
 * The child's side of runChild: when this process was forked, waits for the plan, runs it and
 * sends the result (or the error) back before exiting.
 */
export function answerParent<Plan, Result>(run: (plan: Plan) => Promise<Result>): void {
  if (!process.send) return;
  process.once('message', (plan: Plan) => {
    run(plan).then(
      (result) => process.send!({ ok: true, result }, () => process.exit(0)),
      (error: unknown) => process.send!({ ok: false, error: String((error as Error)?.stack ?? error) }, () => process.exit(1)),
    );
  });
}
