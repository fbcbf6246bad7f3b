import type { AppConfig, ManagedSettings } from '../config/model.js';
import type { RemoteSettings } from '../hubspot/types.js';
import type { Change, Impact, ManagedField, Plan, PlanSummary } from './model.js';

const MANAGED_FIELDS: readonly ManagedField[] = ['url', 'isReady'];

/** Only `url` and `isReady` are managed: timestamps and server extras never diff. */
export function managedOf(remote: RemoteSettings): ManagedSettings {
  return { url: remote.url, isReady: remote.isReady };
}

/** Fields whose values differ between two settings, in a fixed order. */
export function changedFieldsOf(before: ManagedSettings, after: ManagedSettings): ManagedField[] {
  return MANAGED_FIELDS.filter((field) => before[field] !== after[field]);
}

/** The change that makes `observed` match the declaration of `app`. Pure. */
export function diffApp(app: AppConfig, observed: RemoteSettings | null): Change {
  const base = { appId: app.appId, apiVersion: app.apiVersion };
  const before = observed === null ? null : managedOf(observed);

  if (app.ensure === 'absent' || app.settings === null) {
    if (before === null) {
      return { ...base, action: 'no-op', before: null, after: null, changedFields: [], impacts: [] };
    }
    return {
      ...base,
      action: 'delete',
      before,
      after: null,
      changedFields: [...MANAGED_FIELDS],
      impacts: [
        {
          kind: 'connection-removed',
          message: 'Removes the connection option: users can no longer connect numbers through this app.',
        },
      ],
    };
  }

  const after: ManagedSettings = { url: app.settings.url, isReady: app.settings.isReady };
  if (before === null) {
    return {
      ...base,
      action: 'create',
      before: null,
      after,
      changedFields: [...MANAGED_FIELDS],
      impacts: after.isReady ? [becomesSelectable()] : [],
    };
  }

  const changedFields = changedFieldsOf(before, after);
  if (changedFields.length === 0) {
    return { ...base, action: 'no-op', before, after: { ...before }, changedFields, impacts: [] };
  }
  return { ...base, action: 'update', before, after, changedFields, impacts: impactsOfUpdate(before, after) };
}

function becomesSelectable(): Impact {
  return {
    kind: 'becomes-selectable',
    message: 'The app becomes selectable when connecting a number, in every installing portal.',
  };
}

function impactsOfUpdate(before: ManagedSettings, after: ManagedSettings): Impact[] {
  const impacts: Impact[] = [];
  if (!before.isReady && after.isReady) impacts.push(becomesSelectable());
  if (before.isReady && !after.isReady) {
    impacts.push({
      kind: 'greyed-out',
      message: 'The app is greyed out: users in every installing portal can no longer select it.',
    });
  }
  if (before.url !== after.url) {
    impacts.push({
      kind: 'webhook-moved',
      message: 'HubSpot asks the new URL for available numbers from now on.',
    });
  }
  return impacts;
}

export function summarize(changes: readonly Change[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const change of changes) {
    if (change.action === 'no-op') summary.noop += 1;
    else summary[change.action] += 1;
  }
  return summary;
}

/**
 * Builds the plan for every app. `observed` maps appId to what GET returned
 * (null: absent); every app must have an entry. Sorted by appId here, once.
 */
export function buildPlan(apps: readonly AppConfig[], observed: ReadonlyMap<number, RemoteSettings | null>): Plan {
  const changes = [...apps]
    .sort((a, b) => a.appId - b.appId)
    .map((app) => {
      const remote = observed.get(app.appId);
      if (remote === undefined) throw new Error(`buildPlan: no observation for app ${app.appId}`);
      return diffApp(app, remote);
    });
  return { changes, summary: summarize(changes) };
}

/** True when applying the plan would write nothing. */
export function isEmptyPlan(plan: Plan): boolean {
  return plan.changes.every((change) => change.action === 'no-op');
}
