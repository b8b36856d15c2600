// Prow's replies to a `/test` that names nothing runnable (pkg/pjutil/help.go): `/test ?`, `/test`
// alone, `/retest` with a target, `/test all` or `/test <name>` that selects no job. The texts are
// Prow's, so they read the same, and so an earlier help reply is recognised (and pruned) by them.
import { compileRe2 } from '../../jobs/re2.js';
import { testAllRe } from './presubmit-filter.js';
import type { AvailablePresubmits } from './presubmit-filter.js';

export const testHelpRe = compileRe2('(?m)^/test[ \\t]*\\?\\s*$');
export const emptyTestRe = compileRe2('(?m)^/test\\s*$');
export const retestWithTargetRe = compileRe2('(?m)^/retest[ \\t]+\\S+');
export const testWithAnyTargetRe = compileRe2('(?m)^/test[ \\t]+\\S+');
const anyTestRe = compileRe2('(?m)^/(?:re)?test\\b');

export const testWithoutTargetNote = 'The `/test` command needs one or more targets.\n';
export const retestWithTargetNote = 'The `/retest` command does not accept any targets.\n';
export const targetNotFoundNote = 'The specified target(s) for `/test` were not found.\n';
export const thereAreNoTestAllJobsNote = 'No jobs can be run with `/test all`.\n';
const availableRequiredTestsNote = 'The following commands are available to trigger required jobs:';
const availableOptionalTestsNote = 'The following commands are available to trigger optional jobs:';

/** Could the comment need a help reply (Prow's MayNeedHelpComment)? */
export const mayNeedHelpComment = (body: string): boolean =>
  emptyTestRe.test(body) || retestWithTargetRe.test(body) || testWithAnyTargetRe.test(body) || testHelpRe.test(body);

/** Prow's ShouldRespondWithHelp: whether to reply with the list of jobs, and the note that leads it. */
export function shouldRespondWithHelp(body: string, toRun: number): { help: boolean; note: string } {
  if (testHelpRe.test(body)) return { help: true, note: '' };
  if (emptyTestRe.test(body)) return { help: true, note: testWithoutTargetNote };
  if (retestWithTargetRe.test(body)) return { help: true, note: retestWithTargetNote };
  if (toRun === 0 && testAllRe.test(body)) return { help: true, note: thereAreNoTestAllJobsNote };
  if (toRun === 0 && testWithAnyTargetRe.test(body)) return { help: true, note: targetNotFoundNote };
  return { help: false, note: '' };
}

/** A `/test` or `/retest` ran something: earlier help replies are out of date (Prow's ShouldRespondByPruningHelp). */
export const shouldPruneHelp = (body: string): boolean => anyTestRe.test(body);

/** Is this one of the bot's help replies (Prow's IsHelpComment)? */
export const isHelpComment = (body: string): boolean =>
  [testWithoutTargetNote, retestWithTargetNote, targetNotFoundNote, thereAreNoTestAllJobsNote, availableRequiredTestsNote, availableOptionalTestsNote].some((note) =>
    body.includes(note),
  );

/** Go's sets.List: sorted, byte-wise. */
const sorted = (names: ReadonlySet<string>) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const listOf = (names: ReadonlySet<string>) => sorted(names).map((name) => `\n\`\`\`\n${name}\n\`\`\``).join('');

/** Prow's HelpMessage: the commands that would run something here, required first, then what `/test all` runs. */
export function helpMessage(org: string, repo: string, branch: string, note: string, available: AvailablePresubmits): string {
  const { testAll, optional, required } = available;
  if (testAll.size + optional.size + required.size === 0) return `No presubmit jobs available for ${org}/${repo}@${branch}`;
  let reply = note;
  if (required.size > 0) reply += `${availableRequiredTestsNote}${listOf(required)}\n\n`;
  if (optional.size > 0) reply += `${availableOptionalTestsNote}${listOf(optional)}\n\n`;
  if (testAll.size === optional.size + required.size) reply += 'Use `/test all` to run all jobs.\n';
  else if (testAll.size > 0) reply += `Use \`/test all\` to run the following jobs that were automatically triggered:${listOf(testAll)}\n\n`;
  return reply;
}
