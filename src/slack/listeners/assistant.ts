/**
 * Slack's AI app surface, through Bolt's `Assistant`: when someone opens a thread with Wayfinder in the assistant pane,
 * it offers suggested prompts; each message there is a docs question, answered in that thread (streamed) while the
 * pane shows "is searching the docs…" (`assistant.threads.setStatus`).
 */
import { Assistant } from '@slack/bolt';
import { answerInSlackThread } from '../docs-thread.ts';
import type { ListenerContext } from '../listener-context.ts';

/** The prompts offered when a thread opens: questions the demo docs answer, and the kind a team's docs should. */
export const SUGGESTED_PROMPTS = [
  { title: 'Roll back a deploy', message: 'How do I roll back a payments-api deploy?' },
  { title: 'Going on call', message: 'What do I need to do before my first on-call week?' },
  { title: 'First week', message: 'What should I do in my first week?' },
] as const;

export function createDocsAssistant(listener: ListenerContext): Assistant {
  return new Assistant({
    threadStarted: async ({ setSuggestedPrompts }) => {
      await setSuggestedPrompts({ title: 'Ask the docs, for example:', prompts: [...SUGGESTED_PROMPTS] });
    },
    // The pane's context (the channel the person is looking at) is not used: questions go to all the docs.
    threadContextChanged: async () => {},
    userMessage: async ({ message, client, setStatus, body }) => {
      if (message.subtype !== undefined || !('user' in message) || !message.user || !message.text) return;
      const threadTs = 'thread_ts' in message && message.thread_ts ? message.thread_ts : message.ts;
      const teamId = (body as { team_id?: string }).team_id;
      await answerInSlackThread(listener, {
        client,
        channel: message.channel,
        threadTs,
        messageTs: message.ts,
        userId: message.user,
        ...(teamId ? { teamId } : {}),
        text: message.text,
        setStatus: (status) => setStatus(status),
      });
    },
  });
}
