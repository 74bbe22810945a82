/**
 * `/provision`'s catalog pickers offer what Backstage's would: an EntityPicker the entities its `catalogFilter` keeps
 * (every key: kind, spec.type, spec.lifecycle, metadata.namespace, tags, annotations, `{ exists: true }`, lists of
 * alternatives), an OwnedEntityPicker only those owned by the asker or one of their groups, an OwnerPicker Groups and
 * Users. The options come from `optionsOf`, which both the Slack external select (`block_suggestion`) and the
 * console's search call; a value typed past the list is refused when the page is submitted.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionCommand } from '../../../src/core/commands/provision.ts';
import type { CommandContext } from '../../../src/core/commands/types.ts';
import type { Database } from '../../../src/db/client.ts';
import { createCatalogRefresher } from '../../../src/ingestion/catalog-refresher.ts';
import { importCatalog } from '../../../src/ingestion/import-catalog.ts';
import { openTestDatabase } from '../../helpers/database.ts';
import { createRequestTestbed, type RequestTestbed, seedRequestCatalog } from '../../helpers/requests.ts';
import { createTemplatesFolder, templateYaml } from '../../templates/template-helpers.ts';

const COMPONENTS = `
${component({ name: 'billing', owner: 'platform', type: 'service', lifecycle: 'production', tags: ['payments'], techdocs: true })}
${component({ name: 'ledger', owner: 'platform', type: 'library', lifecycle: 'production', tags: ['payments'] })}
${component({ name: 'ada-sandbox', owner: 'user:ada', type: 'service', lifecycle: 'experimental' })}
${component({ name: 'grace-tool', owner: 'sre', type: 'service', lifecycle: 'production' })}
${component({ name: 'reports', owner: 'data', type: 'Service', lifecycle: 'Production' })}
${component({ name: 'metrics', namespace: 'ops', owner: 'group:default/platform', type: 'service', lifecycle: 'production' })}
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: payments-api
spec:
  type: openapi
  lifecycle: production
  owner: platform
  definition: "openapi: 3.0.0"
`;

function component(opts: {
  name: string;
  namespace?: string;
  owner: string;
  type: string;
  lifecycle: string;
  tags?: string[];
  techdocs?: boolean;
}): string {
  return [
    '---',
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${opts.name}`,
    ...(opts.namespace ? [`  namespace: ${opts.namespace}`] : []),
    ...(opts.tags ? [`  tags: [${opts.tags.join(', ')}]`] : []),
    ...(opts.techdocs ? ['  annotations:', '    backstage.io/techdocs-ref: dir:.'] : []),
    'spec:',
    `  type: ${opts.type}`,
    `  lifecycle: ${opts.lifecycle}`,
    `  owner: ${opts.owner}`,
  ].join('\n');
}

const PARAMETERS = `
    - title: Pick
      properties:
        mine:
          type: string
          ui:field: OwnedEntityPicker
          ui:options:
            catalogFilter:
              kind: Component
        anythingMine:
          type: string
          ui:field: OwnedEntityPicker
        productionService:
          title: Production service
          type: string
          ui:field: EntityPicker
          ui:options:
            catalogFilter:
              kind: Component
              spec.type: service
              spec.lifecycle: production
              metadata.namespace: default
        paymentsOrApi:
          type: string
          ui:field: EntityPicker
          ui:options:
            catalogFilter:
              - kind: API
              - kind: component
                metadata.tags: [payments, billing]
        documented:
          type: string
          ui:field: EntityPicker
          ui:options:
            catalogFilter:
              metadata.annotations.backstage.io/techdocs-ref: { exists: true }
        opsOrLibrary:
          type: string
          ui:field: EntityPicker
          ui:options:
            catalogFilter:
              - metadata.namespace: ops
              - spec.type: [library]
        legacyKinds:
          type: string
          ui:field: EntityPicker
          ui:options:
            allowedKinds: [API]
        owner:
          type: string
          ui:field: OwnerPicker
        ownedByPlatform:
          type: string
          ui:field: EntityPicker
          ui:options:
            catalogFilter:
              relations.ownedBy: group:default/platform
              kind: Component`;

let database: Database;
let bed: RequestTestbed;

beforeAll(async () => {
  database = await openTestDatabase();
  const catalog = await seedRequestCatalog(database);
  const folder = await mkdtemp(path.join(tmpdir(), 'wayfinder-picker-catalog-'));
  await writeFile(path.join(folder, 'catalog-info.yaml'), COMPONENTS);
  const imported = await importCatalog({ paths: [folder], store: catalog });
  expect(imported.errors).toEqual([]);
  const templates = await createTemplatesFolder();
  await templates.write('pickers', templateYaml({ name: 'pickers', parameters: PARAMETERS }));
  bed = await createRequestTestbed({ database, catalog, templatesDir: templates.dir });
});
afterAll(async () => {
  await bed?.system.runner.stop();
  await bed?.idle();
  await database?.close();
});

/** The console's context for a person the catalog knows as `userRef` (or does not know). */
function contextFor(userRef: string | undefined): CommandContext {
  return {
    store: bed.catalog,
    viewer: async () => (userRef ? { userRef } : {}),
    refresher: createCatalogRefresher({ store: bed.catalog }),
    provision: { templates: bed.engine, requests: bed.system.desk, wizards: bed.system.store },
  };
}

/** Opens the form as `userRef` and returns a function giving a field's option values for a query. */
async function pickerFor(userRef: string | undefined) {
  const context = contextFor(userRef);
  const answer = await provisionCommand.run(context, 'pickers');
  if (!('kind' in answer) || answer.kind !== 'form') throw new Error(`Expected a form, got ${JSON.stringify(answer)}`);
  const state = answer.form.state;
  const options = async (fieldId: string, query = '') =>
    (
      (await provisionCommand.optionsOf?.(context, { formId: 'page', state, fieldId, query })) ?? [{ value: 'none' }]
    ).map((option) => option.value);
  return { context, state, options };
}

describe("/provision's catalog pickers", () => {
  it('offers an OwnedEntityPicker only what the asker or their groups own, of the kinds asked', async () => {
    const ada = await pickerFor('user:default/ada');
    // Ada and her team platform own these; grace-tool (sre, a sub-team) and reports (data) are not hers.
    expect((await ada.options('mine')).sort()).toEqual([
      'component:default/ada-sandbox',
      'component:default/billing',
      'component:default/ledger',
      'component:ops/metrics',
    ]);
    expect(await ada.options('anythingMine')).toContain('api:default/payments-api');
    expect(await ada.options('mine', 'ledg')).toEqual(['component:default/ledger']);

    const grace = await pickerFor('user:default/grace');
    expect(await grace.options('mine')).toEqual(['component:default/grace-tool']);

    const stranger = await pickerFor(undefined);
    expect(await stranger.options('mine')).toEqual([]);
  });

  it("applies every key of an EntityPicker's catalogFilter, case-insensitively, with alternatives and exists", async () => {
    const { options } = await pickerFor('user:default/alan');
    expect((await options('productionService')).sort()).toEqual([
      'component:default/billing',
      'component:default/grace-tool',
      'component:default/reports',
    ]);
    expect((await options('paymentsOrApi')).sort()).toEqual([
      'api:default/payments-api',
      'component:default/billing',
      'component:default/ledger',
    ]);
    expect(await options('documented')).toEqual(['component:default/billing']);
    expect((await options('opsOrLibrary')).sort()).toEqual(['component:default/ledger', 'component:ops/metrics']);
    expect(await options('legacyKinds')).toEqual(['api:default/payments-api']);
    expect((await options('ownedByPlatform')).sort()).toEqual([
      'component:default/billing',
      'component:default/ledger',
      'component:ops/metrics',
    ]);
    const owners = await options('owner');
    expect(owners).toEqual(expect.arrayContaining(['group:default/platform', 'user:default/ada']));
    expect(owners.every((ref) => ref.startsWith('group:') || ref.startsWith('user:'))).toBe(true);
  });

  it('refuses a typed value the picker would not offer, saying why', async () => {
    const ada = await pickerFor('user:default/ada');
    const submit = (values: Record<string, string>) =>
      provisionCommand.submit?.(ada.context, { formId: 'page', state: ada.state, values });
    expect(await submit({ mine: 'component:default/reports', productionService: 'component:default/ledger' })).toEqual({
      kind: 'invalid',
      errors: {
        mine: 'mine: component:default/reports is not owned by user:default/ada or group:default/platform; pick one of yours from the list.',
        productionService:
          'Production service: component:default/ledger is not one of the entities this field offers (kind Component, spec.type service, spec.lifecycle production, metadata.namespace default); pick one from the list.',
      },
    });
    const accepted = await submit({ mine: 'billing', productionService: 'component:default/billing' });
    expect(accepted).not.toMatchObject({ kind: 'invalid' });
  });
});
