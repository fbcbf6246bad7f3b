import { defineResource, type ChangeFacts, type Impact } from './descriptor.js';
import { flipped } from './impact-helpers.js';

/** The app's calling settings: its dialer as a calling provider (`/settings`). */
export const callingSettings = defineResource({
  name: 'calling-settings',
  title: 'calling settings',
  pathSegment: 'settings',
  configKey: 'calling',
  fields: [
    { name: 'name', type: 'string', rule: 'non-empty', description: 'The calling provider name users see.', example: 'Acme Calling' },
    { name: 'url', type: 'string', rule: 'webhook-url', description: 'The dialer HubSpot loads in its iframe: an absolute https URL (http only for loopback hosts).', example: 'https://app.example.com/hubspot/dialer' },
    { name: 'width', type: 'integer', rule: 'positive-integer', description: "Dialer iframe width in pixels (a positive integer, at most 2147483647: HubSpot's int32).", example: 400 },
    { name: 'height', type: 'integer', rule: 'positive-integer', description: "Dialer iframe height in pixels (a positive integer, at most 2147483647: HubSpot's int32).", example: 600 },
    { name: 'isReady', type: 'boolean', rule: 'none', description: 'true: the app is selectable as a calling provider.', example: true },
    { name: 'supportsCustomObjects', type: 'boolean', rule: 'none', description: 'Whether calls can be placed from custom object records.', example: false },
    { name: 'supportsInboundCalling', type: 'boolean', rule: 'none', description: 'Whether the app takes inbound calls in HubSpot.', example: true },
    { name: 'usesCallingWindow', type: 'boolean', rule: 'none', description: 'Whether the dialer opens in the calling window.', example: true },
    { name: 'usesRemote', type: 'boolean', rule: 'none', description: 'Whether the dialer runs remotely (calling remote).', example: true },
  ],
  deletable: true,
  ensureAt: 'block',
  docs: {
    block:
      "The app's calling settings (/settings): its dialer as a calling provider. Left out: not managed. With ensure: present all nine fields are required (HubSpot requires them on create); with ensure: absent no other field is allowed.",
    ensure: {
      summary:
        'present (default): the calling settings exist as declared; absent: delete them, which removes the app as a calling option for all connected accounts and cannot be undone.',
      present: 'The calling settings exist as declared',
      absent: 'Delete the calling settings: removes the app as a calling option for all connected accounts; cannot be undone',
    },
  },
  impactsOf(change: ChangeFacts): Impact[] {
    if (change.action === 'delete') {
      return [{ kind: 'calling-removed', warning: true, message: 'Removes the app as a calling option for all connected accounts; cannot be undone.' }];
    }
    const impacts: Impact[] = [];
    const ready = flipped(change, 'isReady');
    if (ready === 'on') impacts.push({ kind: 'calling-selectable', warning: true, message: 'The app becomes selectable as a calling provider.' });
    if (ready === 'off') impacts.push({ kind: 'calling-unavailable', warning: true, message: 'The app is no longer selectable as a calling provider.' });
    if (change.action === 'update') {
      const inbound = flipped(change, 'supportsInboundCalling');
      if (inbound === 'on') impacts.push({ kind: 'inbound-calling-on', warning: false, message: 'Users can take inbound calls through the app.' });
      if (inbound === 'off') impacts.push({ kind: 'inbound-calling-off', warning: true, message: 'Users can no longer take inbound calls through the app.' });
      if (change.changedFields.includes('url')) impacts.push({ kind: 'dialer-moved', warning: true, message: 'HubSpot loads the dialer from the new URL from now on.' });
    }
    return impacts;
  },
  driftImpactsOf(change: ChangeFacts): Impact[] {
    if (change.action === 'create') return [{ kind: 'calling-missing', warning: true, message: 'HubSpot has no calling settings for this app: it is not a calling provider.' }];
    if (change.action === 'delete') return [{ kind: 'calling-unexpected', warning: true, message: 'HubSpot still has calling settings the config declares absent.' }];
    const impacts: Impact[] = [];
    const ready = flipped(change, 'isReady');
    if (ready === 'on') impacts.push({ kind: 'calling-unavailable', warning: true, message: 'The app is not selectable as a calling provider now.' });
    if (ready === 'off') impacts.push({ kind: 'calling-selectable', warning: true, message: 'The app is selectable as a calling provider now, though the config declares it not ready.' });
    const inbound = flipped(change, 'supportsInboundCalling');
    if (inbound === 'on') impacts.push({ kind: 'inbound-calling-off', warning: true, message: 'Users cannot take inbound calls through the app now.' });
    if (inbound === 'off') impacts.push({ kind: 'inbound-calling-on', warning: false, message: 'Users can take inbound calls through the app now, though the config declares otherwise.' });
    if (change.changedFields.includes('url')) impacts.push({ kind: 'dialer-moved', warning: true, message: 'HubSpot loads the dialer from another URL than the config declares.' });
    return impacts;
  },
});
