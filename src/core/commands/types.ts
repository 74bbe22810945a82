import type { EntityRef } from '../catalog/types.ts';
import type { CatalogRefresher, CatalogStore } from '../ports.ts';
import type { Message } from '../view-model.ts';

/** Who is asking. Permissions are decided from this and catalog ownership, never from message text. */
export interface Viewer {
  /** The catalog User this person is, when known (Slack user → email → User). */
  userRef?: EntityRef;
}

export interface CommandContext {
  store: CatalogStore;
  /**
   * Who is asking, looked up on first call. Only commands that decide permissions call it, so a lookup such as
   * `/owner` stays at its one query.
   */
  viewer(): Promise<Viewer>;
  /** Re-reads an entity's source (`/wayfinder refresh`). */
  refresher: CatalogRefresher;
}

/** The viewer of the console and `wayfinder run`: the person at the terminal, with no catalog identity. */
export const localViewer = async (): Promise<Viewer> => ({});

export interface CommandDefinition {
  /** The word after the slash: `owner` for `/owner`. */
  name: string;
  /** One line for help and the Slack manifest. */
  description: string;
  /** Argument synopsis, e.g. `<name> [--reverse] [--depth N]`. */
  usage: string;
  /** A complete example, e.g. `/owner payments-api`. */
  example: string;
  /** Answers `args` (the text after the command word). Expected failures become a helpful Message, not a throw. */
  run(context: CommandContext, args: string): Promise<Message>;
}
