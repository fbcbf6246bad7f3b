import type { ChangeFacts, Impact, ResourceDescriptor } from './descriptor.js';

/** Where HubSpot fetches call recordings (`/settings/recording`). HubSpot's API cannot delete them. */
export const recordingSettings: ResourceDescriptor = {
  name: 'recording-settings',
  title: 'recording settings',
  pathSegment: 'settings/recording',
  configKey: 'recording',
  fields: [
    {
      name: 'urlToRetrieveAuthedRecording',
      type: 'string',
      rule: 'recording-url',
      description: 'Where HubSpot fetches a recording: an absolute https URL containing %s (the call\'s external id).',
      example: 'https://api.example.com/recordings/%s',
    },
  ],
  deletable: false,
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
};
