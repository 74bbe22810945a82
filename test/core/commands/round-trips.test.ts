import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommandLine } from '../../../src/core/commands/index.ts';
import { type DemoCatalog, openDemoCatalog } from '../../helpers/demo-catalog.ts';

// The lookup path answers inside Slack's request, so its cost is counted in database round trips.
let demo: DemoCatalog;
const queries: string[] = [];
beforeAll(async () => {
  demo = await openDemoCatalog({ onQuery: (query) => queries.push(query) });
});
afterAll(() => demo.close());

const isPrepare = (query: string) => /^\s*prepare /i.test(query);

/** Round trips of `line`, leaving out a statement's one-time `PREPARE` on PGlite (see src/db/prepared.ts). */
async function roundTrips(line: string): Promise<number> {
  queries.length = 0;
  await runCommandLine(demo.context, line);
  return queries.filter((query) => !isPrepare(query)).length;
}

describe('database round trips', () => {
  it('answers /owner for a service in one: the name, owner, parents, members and their Slack ids together', async () => {
    expect(await roundTrips('/owner payments-api')).toBe(1);
    expect(await roundTrips('/owner fraud-detector')).toBe(1);
    expect(await roundTrips('/owner component:default/payments-api')).toBe(1);
  });

  it('looks up titles and aliases only when no name matched, in a second', async () => {
    expect(await roundTrips('/owner BASKET')).toBe(2);
    expect(await roundTrips('/owner Ledger')).toBe(2);
  });

  it('answers an ambiguous name in one', async () => {
    expect(await roundTrips('/owner payments')).toBe(1);
  });

  it('answers an unknown name with its suggestions in three: names, other labels, close names', async () => {
    expect(await roundTrips('/owner paymnts-api')).toBe(3);
  });

  it("answers /service with the owner and domain it shows: the owner's statement only when its own is not in the catalog", async () => {
    // The name, the relations, the domain of its system (for its title).
    expect(await roundTrips('/service payments-api')).toBe(3);
    // The same, and the owner worked out through its system.
    expect(await roundTrips('/service fraud-detector')).toBe(4);
    // A person: the name and the relations.
    expect(await roundTrips('/service ada.lovelace')).toBe(2);
  });

  it('prepares a statement once, not on every answer', async () => {
    await runCommandLine(demo.context, '/owner checkout');
    queries.length = 0;
    await runCommandLine(demo.context, '/owner checkout');
    await runCommandLine(demo.context, '/owner fraud-detector');
    expect(queries.filter(isPrepare)).toEqual([]);
    expect(queries).toHaveLength(2);
  });
});
