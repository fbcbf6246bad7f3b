// Which numbers the webhook answers for a request's portal and user
// (DESIGN.md "Webhook side"): the most specific declaration wins,
// portals.<p>.users.<u>.phoneNumbers, then portals.<p>.phoneNumbers, then
// the app's phoneNumbers. Pure; shared by serve, fixtures and probe.
import { RESOURCES } from '../resources/index.js';
import type { AppConfig, PhoneNumberConfig } from '../config/model.js';

/** The channel connection's webhook URL when the config declares it present; else undefined (absent or not managed). */
export function webhookUrlOf(app: AppConfig): string | undefined {
  // The webhook resource is the one whose descriptor names a webhook URL field (the channel connection).
  for (const resource of RESOURCES) {
    const desired = app.resources[resource.name];
    if (resource.webhookUrlField === undefined || desired?.ensure !== 'present') continue;
    const url = desired.fields[resource.webhookUrlField];
    if (typeof url === 'string') return url;
  }
  return undefined;
}

/** The numbers declared for `portalId` / `userId` (either may be unknown to the config). */
export function declaredNumbersFor(app: AppConfig, portalId: number | undefined, userId: number | undefined): PhoneNumberConfig[] {
  const portal = portalId === undefined ? undefined : app.portals.find((p) => p.portalId === portalId);
  if (portal === undefined) return app.phoneNumbers;
  const user = userId === undefined ? undefined : portal.users.find((u) => u.userId === userId);
  return user?.phoneNumbers ?? portal.phoneNumbers ?? app.phoneNumbers;
}

/** One level of declaration that a probe checks and a fixture file records. */
export interface DeclaredLevel {
  /** Absent for the app's default; set for a declared portal and its users. */
  portalId?: number;
  /** Set for a declared user only. */
  userId?: number;
  /** The ids a request sends to reach this level: undeclared ones where the level is a fallback. */
  request: { portalId: number; userId: number };
  numbers: PhoneNumberConfig[];
}

/**
 * Every level the config declares, default first, then each portal (sorted)
 * followed by its users (sorted). To reach the default a request names a
 * portal the config does not declare; to reach a portal, a user that portal
 * does not declare. Those ids are the smallest positive integers not declared.
 */
export function declaredLevels(app: AppConfig): DeclaredLevel[] {
  const portals = [...app.portals].sort((a, b) => a.portalId - b.portalId);
  const levels: DeclaredLevel[] = [
    { request: { portalId: smallestUnused(portals.map((p) => p.portalId)), userId: 1 }, numbers: app.phoneNumbers },
  ];
  for (const portal of portals) {
    const users = [...portal.users].sort((a, b) => a.userId - b.userId);
    levels.push({
      portalId: portal.portalId,
      request: { portalId: portal.portalId, userId: smallestUnused(users.map((u) => u.userId)) },
      numbers: portal.phoneNumbers ?? app.phoneNumbers,
    });
    for (const user of users) {
      levels.push({ portalId: portal.portalId, userId: user.userId, request: { portalId: portal.portalId, userId: user.userId }, numbers: user.phoneNumbers });
    }
  }
  return levels;
}

/** The smallest positive integer not in `taken`. */
function smallestUnused(taken: readonly number[]): number {
  const set = new Set(taken);
  let candidate = 1;
  // Bounded: at most taken.length + 1 steps.
  while (set.has(candidate)) candidate++;
  return candidate;
}
