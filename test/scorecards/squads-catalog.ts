/** The catalog the org-list paging tests share: twelve squads with one production service each, squad-01 a second. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { evaluateAndStore } from '../../src/scorecards/evaluate-all.ts';
import { openScorecardCatalog, type ScorecardCatalog } from './setup.ts';

export const SQUADS = 12;

/**
 * Twelve squads, each owning one production service that fails five Production readiness rules (no system, on-call,
 * team channel, TechDocs or tier), and squad-01 a second one, `squad-01-bare`, without a description (six failing
 * rules, 13 entities) unless `bareDescribed`.
 */
export function squadsCatalog(opts: { bareDescribed?: boolean } = {}): string {
  const docs: string[] = [];
  const service = (name: string, owner: string, description: boolean) =>
    `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${description ? '  description: A service.\n' : ''}spec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n`;
  for (let squad = 1; squad <= SQUADS; squad++) {
    const name = `squad-${String(squad).padStart(2, '0')}`;
    docs.push(
      `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  profile:\n    displayName: Squad ${squad}\n  children: []\n`,
      service(`${name}-svc`, name, true),
    );
  }
  docs.push(service('squad-01-bare', 'squad-01', opts.bareDescribed ?? false));
  return docs.join('---\n');
}

/**
 * The squads catalog written to a new temporary directory and opened at `now`, with 2026-W48's Production readiness
 * results stored one level higher than the services evaluate: every squad moved down since (squad-01 by two). Remove
 * `dir` when done.
 */
export async function openSquadsMovedDown(opts: { now: Date; prefix: string }): Promise<{
  sc: ScorecardCatalog;
  dir: string;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), opts.prefix));
  await writeFile(path.join(dir, 'catalog-info.yaml'), squadsCatalog());
  const sc = await openScorecardCatalog({ now: opts.now, paths: [dir] });
  await evaluateAndStore({ store: sc.store, scorecards: sc.scorecards, period: '2026-W48', today: '2026-11-23' });
  await sc.database.db.execute(sql`
    update scorecard_results set level = level + 1 where period = '2026-W48' and scorecard_id = 'production-readiness'`);
  return { sc, dir };
}
