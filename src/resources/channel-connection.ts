import type { ChangeFacts, Impact, ResourceDescriptor } from './descriptor.js';
import { flipped } from './impact-helpers.js';

/** The help desk's channel connection: the webhook HubSpot asks for numbers (`/settings/channel-connection`). */
export const channelConnection: ResourceDescriptor = {
  name: 'channel-connection',
  title: 'channel-connection settings',
  pathSegment: 'settings/channel-connection',
  configKey: 'settings',
  fields: [
    { name: 'url', type: 'string', rule: 'webhook-url', description: 'The webhook HubSpot calls for available numbers.', example: 'https://calls.example.com/hubspot/channel-connection' },
    { name: 'isReady', type: 'boolean', rule: 'none', description: 'true: users can select the app when connecting a number; false: it is greyed out.', example: true },
  ],
  webhookUrlField: 'url',
  deletable: true,
  ensureAt: 'top-level',
  impactsOf(change: ChangeFacts): Impact[] {
    if (change.action === 'delete') {
      return [{ kind: 'connection-removed', warning: true, message: 'Removes the connection option: users can no longer connect numbers through this app.' }];
    }
    const impacts: Impact[] = [];
    const ready = flipped(change, 'isReady');
    if (ready === 'on') impacts.push({ kind: 'becomes-selectable', warning: true, message: 'The app becomes selectable when connecting a number, in every installing portal.' });
    if (ready === 'off') impacts.push({ kind: 'greyed-out', warning: true, message: 'The app is greyed out: users in every installing portal can no longer select it.' });
    if (change.action === 'update' && change.changedFields.includes('url')) {
      impacts.push({ kind: 'webhook-moved', warning: true, message: 'HubSpot asks the new URL for available numbers from now on.' });
    }
    return impacts;
  },
  driftImpactsOf(change: ChangeFacts): Impact[] {
    if (change.action === 'create') return [{ kind: 'connection-missing', warning: true, message: 'HubSpot has no channel connection for this app: users cannot connect numbers through it.' }];
    if (change.action === 'delete') return [{ kind: 'connection-unexpected', warning: true, message: 'HubSpot still has a channel connection the config declares absent.' }];
    const impacts: Impact[] = [];
    const ready = flipped(change, 'isReady');
    if (ready === 'on') impacts.push({ kind: 'greyed-out', warning: true, message: 'The app is greyed out now: users cannot select it when connecting a number.' });
    if (ready === 'off') impacts.push({ kind: 'becomes-selectable', warning: true, message: 'The app is selectable now, though the config declares it not ready.' });
    if (change.changedFields.includes('url')) impacts.push({ kind: 'webhook-moved', warning: true, message: 'HubSpot asks another URL for available numbers than the config declares.' });
    return impacts;
  },
};
