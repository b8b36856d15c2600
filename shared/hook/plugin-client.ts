// The layers between a plugin and GitHub, each built once from the method table in
// github/client.ts (so a new GitHub method needs none of them touched):
// - `confine`: every call, read or write, is on the event's repository (but for the reads that
//   github/client.ts marks `anyOrg` or `anyRepo`);
// - `journaledClient`: each write is noted for the trace and journaled under the plugin's claim
//   (`<delivery>#<plugin>#<n>`), and a retry after a partial failure skips the writes that
//   already succeeded, answering with what they returned then — a comment is posted once per
//   delivery whatever fails after it (a label write, whose answer is the labels of then,
//   answers `undefined`: not known);
// - `memoisedClient`: reads are shared by all plugins of a delivery; a write makes the reads that
//   it can change stale (labels, comments, a pull request), not the content-addressed ones.
import { createHash } from 'node:crypto';
import { wrapClient, type GitHubClient, type RepoRef } from '../github/client.js';
import { loadRepoOwners } from '../owners/load.js';
import { ownersDirDenylistSection, ownersSection, ownersSettingsFor, type OwnersConfig, type OwnersDirDenylist } from '../owners/config.js';
import type { RepoOwners } from '../owners/types.js';
import type { OwnersAccess, PluginLogger } from '../plugins/types.js';
import type { CacheStore, ClaimStore, JournaledWrite } from '../storage/ports.js';

/** Refuses any call whose repository is not `repo` (GitHub names are case-insensitive). */
export function confine(inner: GitHubClient, repo: RepoRef, refuse: (ref: RepoRef) => Error): GitHubClient {
  const owner = repo.owner.toLowerCase();
  const name = repo.repo.toLowerCase();
  return wrapClient(inner, async (call) => {
    const ref = call.args[0] as RepoRef;
    // An org-membership read may name another org (Prow's trusted_org), and a few reads another
    // repository (a linked issue, a transfer's destination); nothing else may, and no write.
    if ((call.anyOrg || call.anyRepo) && !call.write && typeof ref?.owner === 'string') return call.send();
    if (String(ref?.owner).toLowerCase() !== owner || String(ref?.repo).toLowerCase() !== name) throw refuse(ref);
    return call.send();
  });
}

/** A journaled call is matched by its text; long texts (comment bodies) by a digest, to keep the claim item small. */
const maxJournalText = 500;
export function journalKey(text: string): string {
  if (text.length <= maxJournalText) return text;
  return `${text.slice(0, 200)} … sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** Trace lines stay readable and small: a long comment is cut, its length kept. */
const maxTraceText = 1000;
const traceText = (text: string) => (text.length <= maxTraceText ? text : `${text.slice(0, maxTraceText)}… (${text.length} characters)`);

export interface JournalDeps {
  claims: ClaimStore;
  delivery: string;
  plugin: string;
  /** What earlier attempts journaled under this claim (`claims.journaled`). */
  journal: readonly JournaledWrite[];
  /** The trace's `writes`, appended to. */
  writes: string[];
  /** `dry-run: ` when writes are not sent. */
  prefix: string;
}

export function journaledClient(inner: GitHubClient, deps: JournalDeps): GitHubClient {
  const earlier = [...deps.journal];
  let next = earlier.reduce((max, w) => Math.max(max, w.n + 1), 0);
  return wrapClient(inner, async (call) => {
    if (!call.write) return call.send();
    const key = journalKey(call.text);
    // The same write an earlier attempt made: done already. Matched by what it is, not by its
    // place: a retry that reads the labels the first attempt added can skip a write and shift
    // the rest.
    const i = earlier.findIndex((w) => w.call === key);
    if (i >= 0) {
      const [done] = earlier.splice(i, 1);
      deps.writes.push(`${deps.prefix}${traceText(call.text)} (done on an earlier attempt)`);
      // An answer that was GitHub's state then (an issue's labels) is not this attempt's.
      return call.answersState ? undefined : done!.result;
    }
    const result = await call.send();
    deps.writes.push(`${deps.prefix}${traceText(call.text)}`);
    // Recorded before the plugin goes on: if this fails, the record fails and is retried, and only
    // this one write can be repeated.
    const kept = call.answersState ? undefined : result;
    await deps.claims.journal(deps.delivery, deps.plugin, { n: next++, call: key, ...(kept === undefined ? {} : { result: kept }) });
    return result;
  });
}

export function memoisedClient(inner: GitHubClient): GitHubClient {
  const reads = new Map<string, { stable: boolean; answer: Promise<unknown> }>();
  return wrapClient(inner, async (call) => {
    if (call.write) {
      const result = await call.send();
      for (const [key, entry] of reads) if (!entry.stable) reads.delete(key);
      return result;
    }
    const key = `${call.method} ${JSON.stringify(call.args)}`;
    const hit = reads.get(key);
    if (hit) return structuredClone(await hit.answer);
    const answer = call.send();
    reads.set(key, { stable: call.reuse === 'stable', answer });
    // A failed read is not remembered: the next asker tries again.
    answer.catch(() => reads.delete(key));
    // Each caller gets its own copy, so one plugin changing an answer cannot change another's.
    return structuredClone(await answer);
  });
}

/** How long a repository's collaborator list is reused across deliveries and containers. */
export const collaboratorsTtlSeconds = 600;

/**
 * The repository's collaborators, from the shared cache when a delivery in the last ten minutes
 * listed them: kubernetes-sized repositories have thousands, a page per hundred. A cache that
 * fails is skipped, never a reason to fail the event.
 */
async function collaboratorsOf(github: GitHubClient, repo: RepoRef, cache: CacheStore | undefined, log: PluginLogger): Promise<string[]> {
  const key = `collaborators#${repo.owner}/${repo.repo}`.toLowerCase();
  try {
    const hit = await cache?.getCached(key);
    if (hit) return JSON.parse(Buffer.from(hit).toString('utf8')) as string[];
  } catch (error) {
    log.warn(`collaborator cache read failed for ${key}; listing from GitHub`, { error: String(error) });
  }
  const logins = await github.listCollaborators(repo);
  try {
    await cache?.putCached(key, Buffer.from(JSON.stringify(logins)), collaboratorsTtlSeconds);
  } catch (error) {
    log.warn(`collaborator cache write failed for ${key}`, { error: String(error) });
  }
  return logins;
}

/**
 * OWNERS for the delivery: loaded once per SHA whichever plugin asks first, with the settings of
 * the `owners:` section and config.yaml's `owners_dir_denylist`, and — as Prow's
 * LoadRepoOwnersSha, unless `owners.skip_collaborators` lists the repository — keeping only the
 * repository's collaborators among its approvers and reviewers, so someone who lost access no
 * longer approves by being named in an old OWNERS file. `forPlugin` adds each OWNERS warning to
 * that plugin's trace record.
 */
export function ownersAccess(
  sections: Record<string, unknown>,
  repo: RepoRef,
  github: GitHubClient,
  cache: CacheStore | undefined,
  log: PluginLogger,
): { forPlugin(note: (line: string) => void): OwnersAccess } {
  const config = (sections[ownersSection.key] ?? ownersSection.schema.parse(undefined)) as OwnersConfig;
  const denylist = (sections[ownersDirDenylistSection.key] ?? ownersDirDenylistSection.schema.parse(undefined)) as OwnersDirDenylist;
  const settings = ownersSettingsFor(config, denylist, repo);
  const loads = new Map<string, Promise<RepoOwners>>();
  const load = (sha: string) => {
    let loading = loads.get(sha);
    if (!loading) {
      loading = loadRepoOwners({ github, cache, log }, repo, sha, settings).then(async (owners) =>
        settings.skipCollaborators ? owners : owners.withCollaborators(await collaboratorsOf(github, repo, cache, log)),
      );
      loading.catch(() => loads.delete(sha));
      loads.set(sha, loading);
    }
    return loading;
  };
  return {
    forPlugin(note) {
      return {
        config,
        settings,
        async at(sha) {
          const owners = await load(sha);
          for (const warning of owners.warnings()) note(`OWNERS: ${warning}`);
          return owners;
        },
      };
    },
  };
}
