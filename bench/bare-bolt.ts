/**
 * Bare Bolt: what a Bolt app costs when it answers `/owner <name>` with nothing of Wayfinder's around it. A Bolt `App`
 * with its own `HTTPReceiver` (as Bolt's getting-started guide sets one up: signing secret, bot token, one
 * `app.command` listener) runs the floor's one indexed SELECT (./floor.ts) and acks a one-line answer. Whatever
 * Wayfinder costs above this is the price of its view-model, Block Kit rendering, name resolution and the rest;
 * whatever this costs above the `node:http` floor is Bolt's.
 *
 * It reads the same database as the floor, through a `pg.Pool` of the same size on Postgres and `PGlite` on the same
 * data directory otherwise; its Web API client points at the bench's fake Slack (Bolt calls `auth.test` at start).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { type FloorDatabase, openFloorDatabase } from './floor.ts';

export interface BareBoltServer {
  port: number;
  close(): Promise<void>;
}

export async function startBareBoltServer(opts: {
  database: FloorDatabase;
  signingSecret: string;
  botToken: string;
  slackApiUrl: string;
}): Promise<BareBoltServer> {
  const { query, end } = await openFloorDatabase(opts.database);
  const app = new App({
    signingSecret: opts.signingSecret,
    token: opts.botToken,
    clientOptions: { slackApiUrl: opts.slackApiUrl },
    logLevel: LogLevel.ERROR,
  });
  app.command(/.*/, async ({ command, ack }) => {
    const name = command.text.trim().toLowerCase();
    const row = await query(name);
    await ack({
      response_type: 'ephemeral',
      text: row ? `${row.subject} is owned by ${row.owner}.` : `No entity named ${name}.`,
    });
  });
  // HTTPReceiver.start resolves with its node:http server; port 0 lets the system choose a free port.
  const server = (await app.start(0)) as Server;
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      await app.stop();
      await end();
    },
  };
}
