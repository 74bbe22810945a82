/** The catalog the org-list paging tests share: twelve squads with one production service each, squad-01 a second. */

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
