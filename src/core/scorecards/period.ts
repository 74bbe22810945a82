/**
 * Periods are ISO 8601 weeks, written `2026-W47`: results are stored per week and a digest covers one. Weeks start on
 * Monday; week 1 is the week with the year's first Thursday (ISO 8601 §3.2.2). Computed in UTC.
 */
import { InputError } from '../errors.ts';

const DAY_MS = 86_400_000;

/** The ISO week `date` falls in (UTC), e.g. `2026-W48`. */
export function periodOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  // The Thursday of this week decides the ISO year.
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

const WEEK = /^(\d{4})-W(\d{2})$/;

/**
 * Why `text` is not an ISO week, as a phrase that can follow it: `expected an ISO week such as 2026-W47` for text that
 * is not `YYYY-Www`, `2026 has no week 54 (its weeks are 2026-W01 to 2026-W53)` for a week the year lacks. Undefined
 * when it is one. Case matters: weeks are stored as `2026-W47`.
 */
export function weekProblem(text: string): string | undefined {
  const match = WEEK.exec(text);
  if (!match) return 'expected an ISO week such as 2026-W47';
  const year = Number(match[1]);
  const week = Number(match[2]);
  // 28 December is always in its year's last ISO week.
  const last = periodOf(new Date(Date.UTC(year, 11, 28)));
  if (week < 1 || `${year}-W${match[2]}` > last) {
    return `${year} has no week ${week} (its weeks are ${year}-W01 to ${last})`;
  }
  return undefined;
}

/**
 * Monday 00:00 UTC of `period`. Throws `InputError` for text that is not `YYYY-Www` or a week the year lacks (the
 * sentence of `weekProblem`).
 */
export function periodStart(period: string): Date {
  const problem = weekProblem(period);
  if (problem) throw new InputError(WEEK.test(period) ? `${problem}.` : `"${period}" is not a week; ${problem}.`);
  const [year, week] = period.split('-W').map(Number) as [number, number];
  const jan4 = new Date(Date.UTC(year, 0, 4));
  return new Date(jan4.getTime() - ((jan4.getUTCDay() || 7) - 1) * DAY_MS + (week - 1) * 7 * DAY_MS);
}

/** The week `weeks` before (negative: after) `period`. */
export function periodBefore(period: string, weeks = 1): string {
  return periodOf(new Date(periodStart(period).getTime() - weeks * 7 * DAY_MS));
}

/** The `count` weeks ending with `period`, oldest first. */
export function periodsEnding(period: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => periodBefore(period, count - 1 - index));
}

/** `YYYY-MM-DD` of `date` in UTC: the day exemptions are judged on. */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/**
 * Where `period` lies against the week of `now`: `current`, `past` or `future`. Throws `InputError` for text that is
 * not an ISO week (see `periodStart`).
 */
export function periodTense(period: string, now: Date): 'past' | 'current' | 'future' {
  const start = periodStart(period).getTime();
  const current = periodStart(periodOf(now)).getTime();
  return start < current ? 'past' : start > current ? 'future' : 'current';
}
