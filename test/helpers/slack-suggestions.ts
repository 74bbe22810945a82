/** `block_suggestion` requests, as Slack posts them while someone types in an external select of a modal. */
import { FAKE_TEAM_ID } from '../fakes/slack-api.ts';
import { type SignOptions, type SlackRequest, signSlackRequest } from './slack-requests.ts';

export function blockSuggestionRequest(
  input: { actionId: string; value: string; privateMetadata: string; userId?: string },
  opts?: SignOptions,
): SlackRequest {
  const payload = {
    type: 'block_suggestion',
    user: { id: input.userId ?? 'U0ASKER', username: 'asker', name: 'asker', team_id: FAKE_TEAM_ID },
    container: { type: 'view', view_id: 'V0MODAL1' },
    api_app_id: 'A0WAYFIND',
    token: 'legacy-verification-token',
    action_id: input.actionId,
    block_id: input.actionId,
    value: input.value,
    team: { id: FAKE_TEAM_ID, domain: 'wayfinder-test' },
    view: {
      id: 'V0MODAL1',
      team_id: FAKE_TEAM_ID,
      type: 'modal',
      private_metadata: input.privateMetadata,
      callback_id: 'wayfinder_form',
      state: { values: {} },
    },
  };
  return signSlackRequest(
    new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
    'application/x-www-form-urlencoded',
    opts,
  );
}
