import { describe, expect, it } from 'vitest';
import { resolveTechDocsRef } from '../../../src/core/catalog/techdocs.ts';

const webUrl = 'https://github.com';
const fromRepo = 'url:https://github.com/acme/monorepo/blob/trunk/services/ledger/catalog-info.yaml';
const resolve = (value: string, sourceLocation: string | undefined = fromRepo) =>
  resolveTechDocsRef({ value, webUrl, ...(sourceLocation ? { sourceLocation } : {}) });

describe('resolveTechDocsRef', () => {
  it('reads dir: relative to the catalog file, in its repository and at its branch', () => {
    expect(resolve('dir:.')).toEqual({
      status: 'github',
      location: { repo: 'acme/monorepo', ref: 'trunk', folder: 'services/ledger' },
    });
    expect(resolve('dir:../../handbook/')).toMatchObject({ location: { folder: 'handbook' } });
    expect(resolve('dir:/docs-site')).toMatchObject({ location: { folder: 'docs-site' } });
  });

  it('refuses a dir: that leaves the repository, and one on an entity not read from GitHub', () => {
    expect(resolve('dir:../../../..')).toEqual({
      status: 'invalid',
      message:
        'backstage.io/techdocs-ref "dir:../../../.." points outside acme/monorepo; expected a folder inside the repository.',
    });
    expect(resolve('dir:.', 'url:https://gitlab.com/acme/x/-/blob/main/catalog-info.yaml')).toMatchObject({
      status: 'invalid',
      message: expect.stringContaining('the entity was not read from a file on GitHub'),
    });
  });

  it('leaves dir: of an entity imported from disk to wayfinder docs index <dir>', () => {
    expect(resolve('dir:.', 'file:/srv/catalog/payments.yaml')).toEqual({ status: 'local' });
  });

  it('reads url: of a repository folder as Backstage writes it: tree or blob, a trailing slash, or the repository alone', () => {
    expect(resolve('url:https://github.com/acme/handbook/tree/main/checkout')).toEqual({
      status: 'github',
      location: { repo: 'acme/handbook', ref: 'main', folder: 'checkout' },
    });
    expect(resolve('url:https://github.com/acme/handbook/blob/v2/checkout/')).toMatchObject({
      location: { ref: 'v2', folder: 'checkout' },
    });
    expect(resolve('url:https://github.com/acme/handbook')).toEqual({
      status: 'github',
      location: { repo: 'acme/handbook', folder: '' },
    });
  });

  it('refuses a URL on another host and a value of another type, saying what is expected', () => {
    expect(resolve('url:https://gitlab.com/acme/handbook')).toMatchObject({
      status: 'invalid',
      message: expect.stringContaining('expected an address on github.com'),
    });
    expect(resolve('docs')).toEqual({
      status: 'invalid',
      message:
        'backstage.io/techdocs-ref "docs" is not valid; expected dir:<folder> (relative to the catalog file, such as dir:.) or url:https://github.com/<owner>/<repo>/tree/<branch>/<folder>.',
    });
  });
});
