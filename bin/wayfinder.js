#!/usr/bin/env node
// Runs the TypeScript sources directly: tsx registers an ESM loader, so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli.ts');
await runCli(process.argv.slice(2));
