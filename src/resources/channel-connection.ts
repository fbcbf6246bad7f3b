import { defineResource, type ChangeFacts, type Impact } from './descriptor.js';
import { flipped } from './impact-helpers.js';

/** The help desk's channel connection: the webhook HubSpot asks for numbers (`/settings/channel-connection`). */
export const channelConnection = defineResource({
  name: 'channel-connection',
  title: 'channel-connection settings',
  pathSegment: 'settings/channel-connection',
  configKey: 'settings',
  fields: [
    { name: 'url', type: 'string', rule: 'webhook-url', description: 'The webhook HubSpot calls for available numbers: an absolute https URL (http only for loopback hosts: localhost, 127.0.0.0/8, [::1]).', example: 'https://calls.example.com/hubspot/channel-connection' },
    { name: 'isReady', type: 'boolean', rule: 'none', description: 'true: users can select the app when connecting a number; false: it is greyed out.', example: true },
  ],
  webhookUrlField: 'url',
  deletable: true,
  ensureAt: 'top-level',
  docs: {
    block:
      "The channel connection's settings (/settings/channel-connection): the webhook HubSpot asks for available numbers. Left out (and no ensure: absent): the channel connection is not managed.",
    ensure: {
      summary: 'The channel connection: present (default, needs settings) keeps it as declared; absent deletes it.',
      present: 'The channel connection exists with these settings',
      absent: 'Delete the channel connection: users can no longer connect numbers through this app',
    },
  },
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
});
