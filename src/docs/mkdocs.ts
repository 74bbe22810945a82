/**
 * What Wayfinder reads of an `mkdocs.yml` (MkDocs / Backstage TechDocs): `docs_dir` (default `docs`) and the `nav`
 * titles of the pages it lists (`nav: [{Home: index.md}, {Runbooks: [{Deploy: runbooks/deploy.md}]}]`), which name
 * those pages instead of their first heading. Anything else in the file is ignored.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export interface MkDocsConfig {
  docsDir: string;
  /** Page path (relative to `docsDir`) → its title in the nav. */
  navTitles: Map<string, string>;
}

const mkdocsSchema = z.looseObject({ docs_dir: z.string().optional(), nav: z.unknown().optional() });

/** Reads `text` as mkdocs.yml; a file that is not YAML or not a mapping throws an Error naming what was expected. */
export function parseMkDocs(text: string): MkDocsConfig {
  const parsed = mkdocsSchema.safeParse(parseYaml(text) ?? {});
  if (!parsed.success)
    throw new Error('mkdocs.yml: expected a YAML mapping with optional docs_dir (a folder) and nav.');
  const navTitles = new Map<string, string>();
  collectNav(parsed.data.nav, navTitles);
  return { docsDir: (parsed.data.docs_dir ?? 'docs').replace(/^\.\/|\/$/g, ''), navTitles };
}

function collectNav(nav: unknown, titles: Map<string, string>): void {
  if (Array.isArray(nav)) {
    for (const item of nav) collectNav(item, titles);
    return;
  }
  if (!nav || typeof nav !== 'object') return;
  for (const [title, value] of Object.entries(nav)) {
    if (typeof value === 'string' && /\.(md|markdown)$/i.test(value)) titles.set(value.replace(/^\.\//, ''), title);
    else collectNav(value, titles);
  }
}
