import type { App, ViewSubmitAction } from '@slack/bolt';
import { FORM_CALLBACK_ID } from '../../ids.ts';
import type { ListenerContext } from '../../listener-context.ts';
import { submitForm } from './form-submission.ts';

export function registerViews(app: Pick<App, 'view'>, listener: ListenerContext): void {
  app.view<ViewSubmitAction>({ callback_id: FORM_CALLBACK_ID, type: 'view_submission' }, (args) =>
    submitForm(listener, args),
  );
}
