/**
 * A fake Slack Socket Mode endpoint on 127.0.0.1 (a `ws` WebSocket server) that speaks Slack's Socket Mode protocol:
 * it greets each connection with `hello`, sends envelopes (`events_api`, `slash_commands`, `interactive`), records
 * the acknowledgements (`{ envelope_id, payload? }`), and can ask for a reconnect (`disconnect`) or drop a connection
 * without a close frame. Hand `connectionUrl()` to the fake Web API's `apps.connections.open`.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface ReceivedAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface FakeSocketMode {
  /** A fresh connection URL, as `apps.connections.open` returns one. */
  connectionUrl(): string;
  /** How many connections were opened so far (each greeted with `hello`). */
  readonly connectionsOpened: number;
  /** Connections open now. */
  openConnections(): number;
  /** Sends one message on the newest open connection (raw text, a binary frame, or JSON for an object). */
  send(message: string | Buffer | Record<string, unknown>): void;
  /** Sends an envelope of `type` with `payload` and a fresh envelope id, which it returns. */
  sendEnvelope(type: string, payload: unknown, extra?: Record<string, unknown>): string;
  /** Every acknowledgement received, in order. */
  acks: ReceivedAck[];
  /** Resolves with the acknowledgement of `envelopeId`, polling until `timeoutMs`. */
  waitForAck(envelopeId: string, timeoutMs?: number): Promise<ReceivedAck>;
  /** Resolves once `count` connections have been opened in all, polling until `timeoutMs`. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Slack's `disconnect` message on the newest connection, which the fake then leaves open (as Slack does, for a while). */
  requestReconnect(reason?: string): void;
  /** Destroys the newest connection's TCP socket: no close frame, as when a network drops. */
  dropConnection(): void;
  /**
   * The newest connection stops reading: its TCP connection stays open, but no ping is answered and no close frame
   * is read, as behind a proxy that lost its upstream.
   */
  stallConnection(): void;
  close(): Promise<void>;
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const open: WebSocket[] = [];
  const acks: ReceivedAck[] = [];
  let opened = 0;

  server.on('connection', (socket) => {
    opened += 1;
    open.push(socket);
    socket.on('close', () => open.splice(open.indexOf(socket), 1));
    socket.on('message', (data) => {
      try {
        acks.push(JSON.parse(data.toString()) as ReceivedAck);
      } catch {
        // Not an acknowledgement; the fake ignores it as Slack would.
      }
    });
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: open.length,
        debug_info: { host: 'fake-socket-mode', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0WAYFIND' },
      }),
    );
  });

  const newest = (): WebSocket => {
    const socket = open.at(-1);
    if (!socket) throw new Error('The fake Socket Mode server has no open connection');
    return socket;
  };
  const poll = async <T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline)
        throw new Error(`The fake Socket Mode server did not see ${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const fake: FakeSocketMode = {
    connectionUrl: () => `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}&app_id=A0WAYFIND`,
    get connectionsOpened() {
      return opened;
    },
    openConnections: () => open.length,
    send(message) {
      newest().send(typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message));
    },
    sendEnvelope(type, payload, extra = {}) {
      const envelopeId = randomUUID();
      fake.send({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', ...extra });
      return envelopeId;
    },
    acks,
    waitForAck: (envelopeId, timeoutMs = 5_000) =>
      poll(() => acks.find((ack) => ack.envelope_id === envelopeId), timeoutMs, `an ack of ${envelopeId}`),
    waitForConnections: async (count, timeoutMs = 5_000) => {
      await poll(() => (opened >= count && open.length > 0 ? true : undefined), timeoutMs, `${count} connections`);
    },
    requestReconnect(reason = 'refresh_requested') {
      newest().send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-socket-mode' } }));
    },
    dropConnection() {
      newest().terminate();
    },
    stallConnection() {
      // ws keeps the TCP socket on a private field; pausing it stops reading (pings, close frames) without closing.
      (newest() as unknown as { _socket: { pause(): void } })._socket.pause();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of server.clients) socket.terminate();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}
