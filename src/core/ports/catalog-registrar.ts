/**
 * `catalog:register`: reads one descriptor file now and stores its entities, through the same ingestion path as an
 * import or a GitHub sync, so a new service shows in the catalog without waiting for the next sync. Implemented by
 * `createCatalogRegistrar` (src/ingestion).
 */
export interface CatalogRegistrar {
  /**
   * Reads the descriptor file at `url` (a GitHub file URL, `https://github.com/<owner>/<repo>/blob/<ref>/<path>`)
   * and stores its entities; returns their refs in file order. Throws InputError when the file is missing or a
   * document in it does not validate (naming the file, the line and the field), GitHubUnavailableError when GitHub
   * does not answer.
   */
  register(opts: { url: string }): Promise<{ entityRefs: string[] }>;
}
