// One local mode per data directory. Two processes on the same directory would both replay the
// same queue journal and share DynamoDB's files (the second one's stand-ins failed to start, with
// a bare ECONNREFUSED). The lock is a file holding the owner's pid; a lock whose process is gone
// (killed with -9, so it never removed it) is taken over.
import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

export interface DataDirLock {
  release(): Promise<void>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const path = join(dir, 'skiff.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx');
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return { release: () => unlink(path).catch(() => undefined) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new DataDirInUseError(`${dir} is in use by another skiff local (pid ${pid}); stop it, or choose another directory with --data-dir`);
    }
    // Stale: its process is gone.
    await unlink(path).catch(() => undefined);
  }
  throw new DataDirInUseError(`could not lock ${dir}: another skiff local is starting on it`);
}
