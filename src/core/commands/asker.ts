/** Who is asking: as their chat surface knows them (`Asker`) and as the catalog knows them (`Viewer`). */
import type { EntityRef } from '../catalog/types.ts';
import type { ChatPlatform } from '../view-model.ts';

/** Who is asking. Permissions are decided from this and catalog ownership, never from message text. */
export interface Viewer {
  /** The catalog User this person is, when known (chat user → email → User). */
  userRef?: EntityRef;
}

/**
 * The person asking as their surface knows them, known without any query: `{ platform: 'slack', id: 'U0123' }`, or
 * the one person at a terminal (`console`). Used for per-person limits and to name who started something.
 */
export interface Asker {
  platform: ChatPlatform | 'console';
  id: string;
}

/** The viewer of the console and `wayfinder run`: the person at the terminal, with no catalog identity. */
export const localViewer = async (): Promise<Viewer> => ({});
