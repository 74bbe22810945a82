/** See ./bundle.js. */
export function bundle(entry: string, opts: { name: string; folders?: string[] }): Promise<string>;
