#!/usr/bin/env node
// Runs the CLI from one esbuild bundle of the TypeScript sources, rebuilt whenever a file under src/ changes, so there
// is no build step to forget (see ./bundle.js). A bundle costs a running server about 70 MB less memory than tsx's
// loader (100 MB against 170 MB RSS after loading the server). WAYFINDER_LOADER=tsx runs the sources through tsx.
import { bundle } from './bundle.js';

const { runCli } = await import(process.env.WAYFINDER_LOADER === 'tsx' ? await viaTsx() : await viaBundle());
await runCli(process.argv.slice(2));

async function viaTsx() {
  const { register } = await import('tsx/esm/api');
  register();
  return new URL('../src/cli.ts', import.meta.url).href;
}

async function viaBundle() {
  const url = await bundle('src/cli.ts', { name: 'cli' });
  process.setSourceMapsEnabled(true);
  return url;
}
