// Everyone an OWNERS or OWNERS_ALIASES text names as an approver or reviewer, for tests that make
// them collaborators of the fake repository: Skiff keeps only collaborators among a repository's
// OWNERS (as Prow does unless skip_collaborators), so a test world where the OWNERS people should
// count seeds them with a role.
import { parse } from 'yaml';

const peopleKeys = new Set(['approvers', 'reviewers', 'required_reviewers']);

function collect(value: unknown, into: Set<string>, underAliases: boolean): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, into, underAliases);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, child] of Object.entries(value)) {
    if (underAliases || peopleKeys.has(key)) {
      for (const login of Array.isArray(child) ? child : []) if (typeof login === 'string') into.add(login.replace(/^@/, ''));
    } else collect(child, into, key === 'aliases');
  }
}

/** The logins named in `texts` (OWNERS files and OWNERS_ALIASES), aliases' members included, alias names too. */
export function ownersPeople(texts: Iterable<string>): string[] {
  const people = new Set<string>();
  for (const text of texts) {
    try {
      collect(parse(text), people, false);
    } catch {
      // A deliberately malformed OWNERS file in a test names nobody.
    }
  }
  return [...people];
}
