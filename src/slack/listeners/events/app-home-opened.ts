/**
 * App Home: on opening the Home tab, learn who the person is (users.info → email → saveChatIdentity, which links
 * the catalog User with that email) and publish their home (`src/core/home.ts`), rendered as Block Kit.
 */
import type { SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { answerHome } from '../../../core/home.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { renderSlackMessage } from '../../render/message.ts';

/** Slack's limit for a Home view. The renderer already keeps a message to 50. */
const HOME_BLOCK_LIMIT = 100;

export type AppHomeOpenedArgs = Pick<SlackEventMiddlewareArgs<'app_home_opened'>, 'event'> & { client: WebClient };

export async function publishHome(listener: ListenerContext, { event, client }: AppHomeOpenedArgs): Promise<void> {
  // The event also fires for the Messages tab, which has nothing to publish.
  if (event.tab !== 'home') return;
  const { store } = listener.services;
  const identity =
    (await listener.identities.warmUser({ client, slackUserId: event.user })) ??
    (await store.findChatIdentity({ platform: 'slack', platformUserId: event.user }));

  const { blocks } = renderSlackMessage(await answerHome({ store, identity }), { shareable: false });
  await client.views.publish({
    user_id: event.user,
    view: { type: 'home', blocks: blocks.slice(0, HOME_BLOCK_LIMIT) },
  });
}
