import type { App, ViewSubmitAction } from '@slack/bolt';
import type { ListenerDeps } from '../../deps.ts';
import { FORM_CALLBACK_ID } from '../../ids.ts';
import { submitForm } from './form-submission.ts';

export function registerViews(app: Pick<App, 'view'>, deps: ListenerDeps): void {
  app.view<ViewSubmitAction>({ callback_id: FORM_CALLBACK_ID, type: 'view_submission' }, (args) =>
    submitForm(deps, args),
  );
}
