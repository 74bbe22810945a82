import type { EntityRef } from '../catalog/types.ts';
import type { CatalogStore } from '../ports.ts';
import type { Message } from '../view-model.ts';

/** Who is asking. Permissions are decided from this and catalog ownership, never from message text. */
export interface Viewer {
  /** The catalog User this person is, when known (Slack user → email → User). */
  userRef?: EntityRef;
}

export interface CommandContext {
  store: CatalogStore;
  viewer: Viewer;
}

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
