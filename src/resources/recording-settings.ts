import { defineResource, type ChangeFacts, type Impact } from './descriptor.js';

/** Where HubSpot fetches call recordings (`/settings/recording`). HubSpot's API cannot delete them. */
export const recordingSettings = defineResource({
  name: 'recording-settings',
  title: 'recording settings',
  pathSegment: 'settings/recording',
  configKey: 'recording',
  fields: [
    {
      name: 'urlToRetrieveAuthedRecording',
      type: 'string',
      rule: 'recording-url',
      description: "Where HubSpot fetches a recording: an absolute https URL (http only for loopback hosts) containing %s, where HubSpot puts the call's external id.",
      example: 'https://api.example.com/recordings/%s',
    },
  ],
  deletable: false,
  docs: {
    block: "The app's recording settings (/settings/recording). Left out: not managed. HubSpot's API cannot delete them, so there is no ensure: absent.",
  },
  impactsOf(change: ChangeFacts): Impact[] {
    if (change.action === 'update') {
      return [{ kind: 'recording-url-changed', warning: false, message: 'HubSpot fetches call recordings from the new URL from now on.' }];
    }
    return [];
  },
  driftImpactsOf(change: ChangeFacts): Impact[] {
    if (change.action === 'create') return [{ kind: 'recording-missing', warning: false, message: 'HubSpot has no recording settings for this app.' }];
    if (change.action === 'update') return [{ kind: 'recording-url-changed', warning: false, message: 'HubSpot fetches call recordings from another URL than the config declares.' }];
    return [];
  },
});
