import type { AppConfig, DesiredResource } from '../config/model.js';
import type { RemoteResource } from '../hubspot/types.js';
import { RESOURCES, resourceNamed, resourceOrder, type Fields, type ResourceDescriptor, type ResourceName } from '../resources/index.js';
import { changeKey, type Action, type Change, type ChangeKey, type Plan, type PlanSummary } from './model.js';

/** What GET returned per (appId, resource): null when absent. */
export type Observed = ReadonlyMap<ChangeKey, RemoteResource | null>;

/** How impacts are worded: what applying will do (plan, apply) or what is true now (drift). */
export type ImpactTense = 'plan' | 'drift';

/** Only the descriptor's fields are managed: timestamps and server extras never diff. */
export function managedOf(resource: ResourceDescriptor, fields: Fields): Fields {
  const managed: Record<string, Fields[string]> = {};
  for (const field of resource.fields) {
    const value = fields[field.name];
    if (value !== undefined) managed[field.name] = value;
  }
  return managed;
}

/** Fields whose values differ, in the descriptor's order. */
export function changedFieldsOf(resource: ResourceDescriptor, before: Fields, after: Fields): string[] {
  return resource.fields.filter((field) => before[field.name] !== after[field.name]).map((field) => field.name);
}

/** The (appId, resource) pairs an app manages, in write order. */
export function managedResourcesOf(app: AppConfig): { resource: ResourceDescriptor; desired: DesiredResource }[] {
  return RESOURCES.flatMap((resource) => {
    const desired = app.resources[resource.name];
    return desired === undefined ? [] : [{ resource, desired }];
  });
}

/** The change that makes `observed` match `desired` for one resource of one app. Pure. */
export function diffResource(
  app: AppConfig,
  resource: ResourceDescriptor,
  desired: DesiredResource,
  observed: RemoteResource | null,
  tense: ImpactTense = 'plan',
): Change {
  const before = observed === null ? null : managedOf(resource, observed.fields);
  const after = desired.ensure === 'present' ? managedOf(resource, desired.fields) : null;
  const allFields = resource.fields.map((field) => field.name);
  let action: Action;
  let changedFields: string[];
  if (after === null) {
    action = before === null ? 'no-op' : 'delete';
    changedFields = before === null ? [] : allFields;
  } else if (before === null) {
    action = 'create';
    changedFields = allFields;
  } else {
    changedFields = changedFieldsOf(resource, before, after);
    action = changedFields.length === 0 ? 'no-op' : 'update';
  }
  const facts = { action, before, after: action === 'no-op' && before !== null ? { ...before } : after, changedFields };
  const impacts = action === 'no-op' ? [] : tense === 'drift' ? resource.driftImpactsOf(facts) : resource.impactsOf(facts);
  return {
    appId: app.appId,
    resource: resource.name,
    apiVersion: app.apiVersion,
    auth: app.auth,
    action,
    before: facts.before,
    after: facts.after,
    changedFields,
    impacts,
  };
}

export function summarize(changes: readonly Change[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, noop: 0 };
  for (const change of changes) {
    if (change.action === 'no-op') summary.noop += 1;
    else summary[change.action] += 1;
  }
  return summary;
}

/** The one order of every output: appId, then resource write order. */
export function compareChanges(a: { appId: number; resource: ResourceName }, b: { appId: number; resource: ResourceName }): number {
  return a.appId - b.appId || resourceOrder(a.resource) - resourceOrder(b.resource);
}

export interface BuildPlanOptions {
  tense?: ImpactTense;
  /** The `--target` apps, when the run was limited to them. */
  targets?: readonly number[];
}

/**
 * Builds the plan for every managed resource of every app. `observed` must
 * hold an entry per (appId, resource) the apps manage. Sorted here, once.
 */
export function buildPlan(apps: readonly AppConfig[], observed: Observed, options: BuildPlanOptions = {}): Plan {
  const changes: Change[] = [];
  for (const app of apps) {
    for (const { resource, desired } of managedResourcesOf(app)) {
      const key = changeKey({ appId: app.appId, resource: resource.name });
      const remote = observed.get(key);
      if (remote === undefined) throw new Error(`buildPlan: no observation for ${key}`);
      changes.push(diffResource(app, resource, desired, remote, options.tense));
    }
  }
  changes.sort(compareChanges);
  const plan: Plan = { changes, summary: summarize(changes) };
  const targets = planTargets(options.targets ?? []);
  if (targets.length > 0) plan.targets = targets;
  return plan;
}

/** `--target` ids as a plan records them: each once, ascending (reports and their markers read this). */
export function planTargets(targets: readonly number[]): number[] {
  return [...new Set(targets)].sort((a, b) => a - b);
}

/** True when applying the plan would write nothing. */
export function isEmptyPlan(plan: Plan): boolean {
  return plan.changes.every((change) => change.action === 'no-op');
}

/** The descriptor of a change's resource. */
export function resourceOf(change: Change): ResourceDescriptor {
  return resourceNamed(change.resource);
}
