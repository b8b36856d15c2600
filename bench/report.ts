// Renders the results: a plain-text table for the terminal and BENCHMARKS.md.
import type { Machine } from './machine.js';
import type { MetricReport, Row } from './metric.js';

const verdict = (row: Row): string => (row.pass === undefined ? '' : row.pass ? 'PASS' : 'FAIL');

export function textTable(rows: readonly Row[]): string {
  const cells = [['Metric', 'Value', 'Target', 'Result'], ...rows.map((r) => [r.metric, r.value, r.target ?? '—', verdict(r)])];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

export function markdown(machine: Machine, reports: readonly MetricReport[], wallSeconds: number, loadAtEnd: number): string {
  const rows = reports.flatMap((r) => r.rows);
  const failed = rows.filter((r) => r.pass === false).length;
  const judged = rows.filter((r) => r.pass !== undefined).length;
  const findings = reports.flatMap((r) => r.findings.map((f) => `- **${r.title}.** ${f}`));
  const out: string[] = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (bench/run.ts), which rewrites this file on every run. Numbers from a',
    'shared development machine: compare runs on the same machine, not across machines.',
    '',
    '## Machine',
    '',
    `- Date: ${machine.date}`,
    `- CPU: ${machine.cpu}, ${machine.cores} cores`,
    `- Memory: ${machine.memoryGiB.toFixed(1)} GiB; writing fresh pages ${machine.memoryTouch.firstMsPerMiB.toFixed(2)} ms/MiB, the same pages again ${machine.memoryTouch.againMsPerMiB.toFixed(2)} ms/MiB`,
    `- Node.js: ${machine.node} (${machine.os})`,
    `- Load average (1 min): ${machine.loadAtStart.toFixed(2)} at the start, ${loadAtEnd.toFixed(2)} at the end`,
    `- Code: ${machine.commit}`,
    `- Wall time of the whole bench: ${wallSeconds.toFixed(1)} s`,
    '',
    '## Results',
    '',
    `${judged - failed} of ${judged} targets met.`,
    '',
    '| Metric | Value | Target | Result |',
    '| --- | --- | --- | --- |',
    ...rows.map((r) => `| ${escape(r.metric)} | ${escape(r.value)} | ${escape(r.target ?? '—')} | ${verdict(r) ? `**${verdict(r)}**` : ''} |`),
    '',
  ];
  if (findings.length) out.push('## Findings', '', ...findings, '');
  out.push('## How measured', '');
  for (const report of reports) {
    out.push(`### ${report.title}`, '', ...report.how.flatMap((p) => [p, '']));
    if (report.details?.length) out.push('Breakdown from this run:', '', ...report.details.map((d) => `- ${d}`), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
