/** `warckit-verify`'s report as a table for people and as JSON for pipelines. Pure. */
import type { VerifyReport } from './verify.js';

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** One row per item (status, kind, URL or path, detail), then WARC damage, then the counts. */
export function reportTable(report: VerifyReport): string {
  const rows = report.items.map((i) => [i.status, i.kind, i.name, i.detail]);
  const widths = [8, 10, Math.min(80, Math.max(4, ...rows.map((r) => r[2]!.length)))];
  const line = (cells: string[]): string => `${cells.slice(0, 3).map((c, i) => pad(c, widths[i]!)).join('  ')}  ${cells[3]}`.trimEnd();
  const out: string[] = [];
  if (rows.length) out.push(line(['STATUS', 'KIND', 'WHAT', 'DETAIL']), ...rows.map(line));
  for (const p of report.problems) out.push(`damaged   ${p.file} at offset ${p.offset}: ${p.problem}`);
  const c = report.counts;
  out.push(`${report.records} record(s) read from ${report.warcs.length} WARC(s); ${c.archived} archived, ${c.missing} missing, ${c.changed} changed, ${c.failed} failed; ${report.problems.length} problem(s) in the WARCs`);
  return `${out.join('\n')}\n`;
}

/** The whole report as one JSON document. */
export function reportJson(report: VerifyReport): string {
  return `${JSON.stringify({ warcs: report.warcs, records: report.records, counts: report.counts, problems: report.problems, items: report.items })}\n`;
}
