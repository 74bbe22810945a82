/** Digest dependencies for tests: the demo catalog's scorecards, a fake Slack, the real poster and stores. */
import { DrizzleDigestDeliveries } from '../../src/db/DrizzleDigestDeliveries.ts';
import { createLogger } from '../../src/logger.ts';
import type { DigestDependencies } from '../../src/scorecards/digest-run.ts';
import { createPacer } from '../../src/scorecards/pacer.ts';
import { createSlackDigestPoster } from '../../src/slack/digest-poster.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import type { ScorecardCatalog } from './setup.ts';

export function digestDependencies(
  sc: ScorecardCatalog,
  slack: FakeSlackApi,
  overrides: Partial<DigestDependencies> = {},
): DigestDependencies {
  return {
    scorecards: sc.scorecards,
    store: sc.store,
    deliveries: new DrizzleDigestDeliveries({ db: sc.database.db }),
    poster: createSlackDigestPoster({ token: 'xoxb-test', apiUrl: slack.url }),
    pacer: createPacer({ perSecond: 50 }),
    holder: 'replica-a',
    orgChannel: '#leadership',
    clock: () => sc.source.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    logger: createLogger({ level: 'error' }),
    retryBaseMs: 10,
    ...overrides,
  };
}
