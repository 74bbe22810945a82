/**
 * CPU time by process, read from Linux's /proc: on a 2-core machine throughput is bounded by the CPU every request
 * costs everywhere (the server, Postgres's backends, the load generator), so the bench reports where it goes.
 * Elsewhere (no /proc) every reading is undefined and the rows say n/a.
 */
import { readdir, readFile } from 'node:fs/promises';

export interface CpuSnapshot {
  /** Busy CPU time of the whole machine (all cores, everything but idle and iowait), ms. */
  machineMs: number;
  /** CPU time of all processes named `postgres` (backends, writer, WAL writer, checkpointer), ms. */
  postgresMs: number;
}

/** Clock ticks per second: USER_HZ is 100 on every Linux that Node supports. */
const TICKS_PER_SECOND = 100;
const msOfTicks = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;

export async function readCpuSnapshot(): Promise<CpuSnapshot | undefined> {
  try {
    return { machineMs: await machineBusyMs(), postgresMs: await processesMs('postgres') };
  } catch {
    return undefined;
  }
}

async function machineBusyMs(): Promise<number> {
  const stat = await readFile('/proc/stat', 'utf8');
  const fields = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const busy = fields.reduce((sum, value, i) => (i === 3 || i === 4 || i > 7 ? sum : sum + value), 0);
  return msOfTicks(busy);
}

/** Sums utime + stime of every process whose command name is `name`. Processes that exit meanwhile are skipped. */
async function processesMs(name: string): Promise<number> {
  let ticks = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => undefined);
    if (!stat) continue;
    // `pid (comm) state …`; comm may contain spaces or parentheses, so split after the last `)`.
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== name) continue;
    const rest = stat.slice(close + 2).split(' ');
    // Fields 14 and 15 of the line (utime, stime) are 11 and 12 after `state`.
    ticks += Number(rest[11]) + Number(rest[12]);
  }
  return msOfTicks(ticks);
}
