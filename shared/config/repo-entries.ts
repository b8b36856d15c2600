// Prow's per-repository lists (`lgtm:`, `approve:`, `triggers:`, `welcome:`, …): each entry names
// orgs and `org/repo`s under `repos`, and a repository gets the first entry naming it, else the
// first naming its org (Prow's LgtmFor, ApproveFor, TriggerFor). Names match exactly, as in Prow.

export function entryFor<T extends { repos: readonly string[] }>(entries: readonly T[] | undefined, org: string, repo: string): T | undefined {
  const list = entries ?? [];
  return list.find((e) => e.repos.includes(`${org}/${repo}`)) ?? list.find((e) => e.repos.includes(org));
}
