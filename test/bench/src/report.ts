import { existsSync, readFileSync } from 'node:fs';
import type { Section } from './context.ts';

/** A section as it appears in docs/benchmarks.md, with when and where it was measured. */
export interface DatedSection extends Section {
  measured: string;
}

const MEASURED = /^_Measured on (.+?)\._\n\n/;

/** The sections of an earlier report, each with the date line it was written with. */
export function readSections(file: string): DatedSection[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  // Reports before per-section dates carried one date for the whole file.
  const whole = /Written by `npm run bench` on (\S+) at commit `(\w+)`/.exec(text);
  const fallback = whole ? `${whole[1]} at commit \`${whole[2]}\`` : 'an unknown date';
  return text
    .split(/^## /m)
    .slice(1)
    .map((chunk) => {
      const newline = chunk.indexOf('\n');
      const title = chunk.slice(0, newline).trim();
      let body = chunk.slice(newline + 1).replace(/^\n+/, '');
      const dated = MEASURED.exec(body);
      if (dated) body = body.slice(dated[0].length);
      return { title, measured: dated?.[1] ?? fallback, markdown: body.trimEnd() };
    });
}

/**
 * The new report's sections: those measured now, in their usual order, and the earlier ones that
 * were not rerun, kept with their own date (a partial run never passes old figures off as new).
 */
export function mergeSections(
  order: string[],
  fresh: DatedSection[],
  earlier: DatedSection[],
): DatedSection[] {
  const byTitle = new Map(earlier.map((s) => [s.title, s]));
  for (const section of fresh) byTitle.set(section.title, section);
  const known = order.filter((title) => byTitle.has(title));
  const extra = [...byTitle.keys()].filter((title) => !order.includes(title));
  return [...known, ...extra].flatMap((title) => {
    const section = byTitle.get(title);
    return section ? [section] : [];
  });
}

export function renderSection(section: DatedSection): string {
  return `## ${section.title}\n\n_Measured on ${section.measured}._\n\n${section.markdown}\n`;
}
