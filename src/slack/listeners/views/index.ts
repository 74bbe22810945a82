import type { App, ViewSubmitAction } from '@slack/bolt';
import { FORM_CALLBACK_ID } from '../../ids.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { submitForm } from './form-submission.ts';
import { answerLookupOptions } from './lookup-options.ts';

export function registerViews(app: Pick<App, 'view' | 'options'>, listener: ListenerContext): void {
  app.options<'block_suggestion'>({ type: 'block_suggestion' }, (args) => answerLookupOptions(listener, args));
  app.view<ViewSubmitAction>({ callback_id: FORM_CALLBACK_ID, type: 'view_submission' }, (args) =>
    submitForm(listener, args),
  );
}
