// Reading an answer body as a resource: what reaches the plan model.
import { describe, expect, it } from 'vitest';
import { readRemoteResource } from '../../../src/hubspot/resource-body.js';
import { callingSettings } from '../../../src/resources/calling-settings.js';
import { channelConnection } from '../../../src/resources/channel-connection.js';
import { recordingSettings } from '../../../src/resources/recording-settings.js';

describe('readRemoteResource', () => {
  it("a URL's user name and password never reach the model; other fields and URLs are kept as sent", () => {
    const read = readRemoteResource({ url: 'https://alice:s3cret-pass@calls.example.com/hook', isReady: true }, channelConnection);
    expect(read).toEqual({ ok: true, resource: { fields: { url: 'https://[REDACTED]@calls.example.com/hook', isReady: true } } });

    const recording = readRemoteResource({ urlToRetrieveAuthedRecording: 'https://tok3n-only@api.example.com/r/%s' }, recordingSettings);
    expect(recording).toEqual({ ok: true, resource: { fields: { urlToRetrieveAuthedRecording: 'https://[REDACTED]@api.example.com/r/%s' } } });

    const calling = {
      name: 'me:pw@not-a-url',
      url: 'https://app.example.com/dialer?to=a@b.example',
      width: 400,
      height: 600,
      isReady: true,
      supportsCustomObjects: false,
      supportsInboundCalling: false,
      usesCallingWindow: false,
      usesRemote: false,
    };
    // A name is not a URL, and an `@` after the path is no userinfo.
    expect(readRemoteResource(calling, callingSettings)).toEqual({ ok: true, resource: { fields: calling } });

    // Forms a URL parser still reads as credentials, or that no parser reads at all.
    for (const url of ['https:/alice:s3cret-pass@calls.example.com/hook', 'https://alice:s3cret/pass#x@calls.example.com/hook', 'https://alice:#s3cret-pass@calls.example.com/hook']) {
      const read = readRemoteResource({ url, isReady: true }, channelConnection);
      expect(read.ok && read.resource.fields.url, url).toMatch(/^https:\/{1,2}\[REDACTED\]@calls\.example\.com\/hook$/);
    }
  });
});
