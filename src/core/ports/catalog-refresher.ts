import type { EntityRecord, RefreshOutcome } from '../catalog/records.ts';

/** Re-reads one entity's source on demand (`/wayfinder refresh <name>`). */
export interface CatalogRefresher {
  refresh(opts: { entity: EntityRecord }): Promise<RefreshOutcome>;
}
