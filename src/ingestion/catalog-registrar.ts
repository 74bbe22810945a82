/**
 * `CatalogRegistrar` over the GitHub URL reader and the descriptor pipeline the import and the sync use
 * (`collectDescriptorText`, then `CatalogStore.importEntities`), for the scaffolder's `catalog:register`.
 *
 * The entities are stored without a source scope: registering one file never orphans anything. When the repository
 * is later read by the GitHub sync (it is in `GITHUB_ORG` and the file is one of `GITHUB_CATALOG_PATHS`), the sync
 * takes them over as its own.
 */
import { InputError } from '../core/errors.ts';
import type { CatalogRegistrar } from '../core/ports/catalog-registrar.ts';
import type { CatalogStore } from '../core/ports/catalog-store.ts';
import type { GitHubGateway } from '../core/ports/github-gateway.ts';
import { createGitHubUrlReader } from './github-url-reader.ts';
import { formatIngestError } from './import-catalog.ts';
import { collectDescriptorText, createDescriptorLoad } from './load-descriptors.ts';

export function createCatalogRegistrar(opts: {
  gateway: GitHubGateway;
  store: CatalogStore;
  /** GitHub's web address (`https://github.com`, or a GitHub Enterprise Server's). */
  webUrl?: string;
}): CatalogRegistrar {
  const reader = createGitHubUrlReader({ gateway: opts.gateway, ...(opts.webUrl ? { webUrl: opts.webUrl } : {}) });
  return {
    async register({ url }) {
      const refused = reader.refuses(url);
      if (refused) throw new InputError(`${url} cannot be registered: ${refused}.`);
      const file = await reader.read(url);
      if (file === 'missing') {
        throw new InputError(`${url} does not exist; expected the catalog-info.yaml the template wrote.`);
      }
      const load = createDescriptorLoad();
      collectDescriptorText(load, { text: file.text, location: `url:${file.url}` });
      if (load.errors.length > 0) {
        throw new InputError(
          `${url} does not validate: ${load.errors.map((error) => formatIngestError(error, '')).join('; ')}`,
        );
      }
      if (load.entities.length === 0) throw new InputError(`${url} holds no catalog entities.`);
      await opts.store.importEntities({ entities: load.entities, errors: [], locations: load.locations });
      return { entityRefs: load.entities.map((entity) => entity.ref) };
    },
  };
}
