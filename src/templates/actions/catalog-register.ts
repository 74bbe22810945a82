/**
 * `catalog:register`: reads the new `catalog-info.yaml` now and stores its entities (Backstage's action, same input
 * names; output `entityRef`, the first entity that is not a Location). Registering again stores the same entities:
 * idempotent by nature.
 */
import { z } from 'zod';
import { InputError } from '../../core/errors.ts';
import { defineAction } from './types.ts';

export const catalogRegister = defineAction({
  id: 'catalog:register',
  description: 'Registers a catalog-info.yaml in the catalog at once.',
  schema: z.strictObject({
    repoContentsUrl: z.string().optional(),
    catalogInfoPath: z.string().optional(),
    catalogInfoUrl: z.string().optional(),
    optional: z.boolean().optional(),
  }),
  checkInputs(input) {
    if (input.repoContentsUrl === undefined && input.catalogInfoUrl === undefined) {
      return 'expected repoContentsUrl (with catalogInfoPath, default /catalog-info.yaml) or catalogInfoUrl';
    }
    return undefined;
  },
  async handler(ctx) {
    const { input } = ctx;
    const url =
      input.catalogInfoUrl ??
      `${(input.repoContentsUrl ?? '').replace(/\/+$/, '')}/${(input.catalogInfoPath ?? '/catalog-info.yaml').replace(/^\/+/, '')}`;
    if (!input.catalogInfoUrl && !input.repoContentsUrl) {
      throw new InputError('catalog:register needs repoContentsUrl (with catalogInfoPath) or catalogInfoUrl.');
    }
    if (ctx.dryRun) return { entityRef: `(the first entity of ${url})` };
    if (!ctx.services.registrar) {
      throw new InputError(
        'catalog:register reads the new file from GitHub, and GitHub is not configured here: set GITHUB_TOKEN (or the GitHub App keys).',
      );
    }
    try {
      const { entityRefs } = await ctx.services.registrar.register({ url });
      const entityRef = entityRefs.find((ref) => !ref.startsWith('location:')) ?? entityRefs[0];
      ctx.log(`Registered ${entityRefs.join(', ')} from ${url}`);
      return entityRef ? { entityRef, catalogInfoUrl: url } : { catalogInfoUrl: url };
    } catch (error) {
      if (input.optional && error instanceof InputError) {
        ctx.log(`Not registered (optional): ${error.message}`);
        return {};
      }
      throw error;
    }
  },
});
