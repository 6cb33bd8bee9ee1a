import type { Cadence } from "./subscription.ts";

export interface DigestPeriod {
  /** Names the period in the subscriber's calendar: `2026-03-29` (daily) or `2026-W13` (weekly). */
  key: string;
  /** The window the digest covers: from the previous send time up to this one. */
  windowStart: Date;
  windowEnd: Date;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether Intl knows the time zone (IANA name such as `Europe/Kyiv`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function localParts(instant: number, timeZone: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const local = localParts(instant, timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a local wall-clock time happens in a zone. A time skipped by a
 * daylight-saving jump resolves to the same distance past the jump (02:30 on a
 * spring-forward night is 03:30); a time that happens twice resolves to the first.
 */
export function zonedTimeToInstant(
  local: { year: number; month: number; day: number; hour: number },
  timeZone: string,
): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour);
  const before = offsetAt(wall - 86_400_000, timeZone);
  const after = offsetAt(wall + 86_400_000, timeZone);
  const candidates = [wall - before, wall - after].filter((instant) => wall - offsetAt(instant, timeZone) === instant);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In a gap: the wall time does not exist; move forward by the jump.
  return new Date(wall - before);
}

function addDays(date: { year: number; month: number; day: number }, days: number) {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** ISO week-numbering year and week of a calendar date. */
function isoWeek(date: { year: number; month: number; day: number }): { year: number; week: number } {
  const utc = new Date(Date.UTC(date.year, date.month - 1, date.day));
  const weekday = utc.getUTCDay() || 7;
  utc.setUTCDate(utc.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(utc.getUTCFullYear(), 0, 1);
  return { year: utc.getUTCFullYear(), week: Math.ceil(((utc.getTime() - yearStart) / 86_400_000 + 1) / 7) };
}

/**
 * The latest digest period whose send time has come at `now`, in the
 * subscription's own time zone, or undefined for instant subscriptions. Firing
 * twice within a period gives the same key, which is what makes a digest go once.
 */
export function digestPeriod(cadence: Cadence, now: Date): DigestPeriod | undefined {
  if (cadence.kind === "instant") return undefined;
  const { timeZone, hour } = cadence;
  const today = localParts(now.getTime(), timeZone);
  const step = cadence.kind === "daily" ? 1 : 7;
  let date = { year: today.year, month: today.month, day: today.day };
  if (cadence.kind === "weekly") {
    const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() || 7;
    date = addDays(date, -((weekday - cadence.weekday + 7) % 7));
  }
  let due = zonedTimeToInstant({ ...date, hour }, timeZone);
  if (due.getTime() > now.getTime()) {
    date = addDays(date, -step);
    due = zonedTimeToInstant({ ...date, hour }, timeZone);
  }
  const previous = zonedTimeToInstant({ ...addDays(date, -step), hour }, timeZone);
  const week = isoWeek(date);
  const key =
    cadence.kind === "daily" ? `${date.year}-${pad(date.month)}-${pad(date.day)}` : `${week.year}-W${pad(week.week)}`;
  return { key, windowStart: previous, windowEnd: due };
}
