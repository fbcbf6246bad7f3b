import type { AppConfig } from '../config/model.js';
import { RESOURCES } from '../resources/index.js';

/** The URL HubSpot POSTs to for the app's numbers: its webhook resource's URL field, when declared present. */
export function webhookUrlOf(app: AppConfig): string | undefined {
  for (const resource of RESOURCES) {
    const desired = app.resources[resource.name];
    if (resource.webhookUrlField === undefined || desired?.ensure !== 'present') continue;
    const url = desired.fields[resource.webhookUrlField];
    if (typeof url === 'string') return url;
  }
  return undefined;
}

/** Apps with a webhook to serve, probe or write fixtures for. */
export function webhookAppsOf(apps: readonly AppConfig[]): AppConfig[] {
  return apps.filter((app) => webhookUrlOf(app) !== undefined);
}
