// Whether a station is open at an instant, in the words the screens use: open, closingSoon (closes
// within 30 minutes), closed or unknown, with the next change. One definition for the list, the
// sheet and the map (the map's points are worked out in the data worker).

const SOON_MS = 30 * 60e3;

/**
 * The open state of a station with props (status) and a parsed schedule (null: hours unknown) at
 * date. horizon bounds how far ahead the next change is looked for (8 days by default; the map only
 * needs to know about the next 30 minutes).
 * @returns {{state: 'open'|'closingSoon'|'closed'|'unknown', next: Date|null}}
 */
export function openState(props, schedule, date, calendar, horizon = 8 * 86400e3) {
  if (props.status !== 'open') return { state: 'closed', next: null };
  if (!schedule) return { state: 'unknown', next: null };
  const now = schedule.stateAt(date, calendar);
  const next = schedule.nextChange(date, calendar, date.getTime() + Math.max(horizon, SOON_MS + 60e3));
  if (now.state === 'open' && next && next - date <= SOON_MS) return { state: 'closingSoon', next };
  return { state: now.state, next };
}
