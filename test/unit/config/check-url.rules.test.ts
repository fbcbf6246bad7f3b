// The rules for the URL HubSpot calls (DESIGN.md: an absolute https: URL;
// http: only on loopback), through checkUrl only.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkUrl } from '../../../src/config/rules.js';

const codeOf = (url: string) => checkUrl(url)?.code;

describe('checkUrl', () => {
  it('any absolute https: URL is fine', () => {
    for (const url of ['https://calls.example.com/hubspot', 'https://1.2.3.4:8443/x?y=1', 'https://[2001:db8::1]/', 'https://localhost']) {
      expect(checkUrl(url), url).toBeUndefined();
    }
  });

  it('a bidi override, a line separator or an invisible character is refused: the URL would look like another', () => {
    for (const char of ['\u202e', '\u2028', '\u200b', '\u00ad', '\ufeff', '\u2066']) {
      const problem = checkUrl(`https://calls.example.com/hook${char}x`);
      expect(problem?.code, JSON.stringify(char)).toBe('invalid-url');
      expect(problem?.message).toContain('contains a space, a control or an invisible character');
    }
    // The joiners emoji and scripts need are text, not tricks.
    expect(checkUrl('https://x.example/\u{1F468}\u200D\u{1F469}/\u0645\u06CC\u200C\u062E')).toBeUndefined();
  });

  it('http: is fine on loopback: localhost, 127.0.0.0/8 and [::1]', () => {
    for (const url of [
      'http://localhost:8080/hook',
      'http://LOCALHOST/hook',
      'http://127.0.0.1:3000/',
      'http://127.255.254.9/',
      'http://127.1/',
      'http://0x7f.0.0.1/',
      'http://[::1]:9000/hook',
    ]) {
      expect(checkUrl(url), url).toBeUndefined();
    }
  });

  it('http://127.0.0.1.evil.example is not loopback, nor is any name merely starting or ending like one', () => {
    for (const url of [
      'http://127.0.0.1.evil.example/',
      'http://localhost.evil.example/',
      'http://evil-localhost/',
      'http://evil.example/127.0.0.1',
      'http://x127.0.0.1.nip.io/',
      'http://[::2]/',
      'http://[::ffff:10.0.0.1]/',
      'http://128.0.0.1/',
      'http://10.0.0.1/',
      'http://0.0.0.0/',
      'http://calls.example.com/',
    ]) {
      expect(codeOf(url), url).toBe('insecure-url');
    }
  });

  it('an insecure URL gets a hint with the https: spelling of the same URL', () => {
    const problem = checkUrl('http://calls.example.com/hook?a=1');
    expect(problem?.hint).toContain('https://calls.example.com/hook?a=1');
    expect(problem?.message).toContain('http://calls.example.com/hook?a=1');
  });

  it('a relative URL, a bare host or junk is not an absolute URL; the message quotes it, the hint shows a full one', () => {
    for (const url of ['/hubspot/hook', 'calls.example.com/hook', '', 'http://', 'https:///x', 'https:\\\\x.example/']) {
      const problem = checkUrl(url);
      expect(problem?.code, url).toBe('invalid-url');
      expect(problem?.message, url).toContain(`"${url}"`);
      expect(problem?.hint, url).toMatch(/https:\/\/\S+/);
    }
  });

  it('a space or control character inside a URL is refused (WHATWG would strip it), with a hint to percent-encode', () => {
    for (const url of ['https://exa mple.com/', 'https://example.com/a\tb', 'https://example.com/a\nb', 'https://example.com/\u0000', 'https://example.com/\u007f', 'https://example.com/\u009f']) {
      const problem = checkUrl(url);
      expect(problem?.code, JSON.stringify(url)).toBe('invalid-url');
      expect(problem?.message, JSON.stringify(url)).toContain('contains a space, a control or an invisible character');
      expect(problem?.hint, JSON.stringify(url)).toMatch(/percent-encode/);
    }
    expect(checkUrl('https://example.com/\u00a0x')).toBeUndefined();
  });

  it('every problem comes with a message', () => {
    for (const url of [' https://x.test', 'nope', 'http://x.test', 'ftp://x.test']) {
      expect(checkUrl(url)?.message.trim(), url).not.toBe('');
    }
  });

  it('other schemes are refused, naming the scheme', () => {
    for (const url of ['ftp://calls.example.com/x', 'ws://127.0.0.1/x', 'file:///etc/passwd', 'javascript:alert(1)']) {
      const problem = checkUrl(url);
      expect(problem?.code, url).toBe('invalid-url');
      expect(problem?.message, url).toContain(`"${url}"`);
      expect(problem?.message, url).toContain(new URL(url).protocol);
    }
  });

  it('leading or trailing whitespace is an error whose hint is the trimmed URL', () => {
    for (const url of [' https://calls.example.com/x', 'https://calls.example.com/x\n', '\thttps://calls.example.com/x ']) {
      const problem = checkUrl(url);
      expect(problem?.code, JSON.stringify(url)).toBe('invalid-url');
      expect(problem?.hint).toContain('"https://calls.example.com/x"');
    }
  });

  it('a user name or password is refused, its hint the URL without them, on any host and scheme', () => {
    for (const [url, bare] of [
      ['https://alice:s3cret-pass@calls.example.com/hook', 'https://calls.example.com/hook'],
      ['https://token-only-1234@calls.example.com/hook?x=1', 'https://calls.example.com/hook?x=1'],
      ['http://bob:hunter22@127.0.0.1:8080/x', 'http://127.0.0.1:8080/x'],
      ['https://:just-a-password@calls.example.com/', 'https://calls.example.com/'],
    ] as const) {
      const problem = checkUrl(url);
      expect(problem?.code, url).toBe('url-credentials');
      expect(problem?.message, url).toContain('[REDACTED]@');
      expect(problem?.hint, url).toContain(`"${bare}"`);
    }
  });

  it('an empty port is refused: it is how a parser reads a password that starts with #, ? or /', () => {
    expect(checkUrl('https://calls.example.com:/hook')).toEqual({
      code: 'invalid-url',
      message: '"https://calls.example.com:/hook" has an empty port (a `:` with no number after the host)',
      hint: 'write the port, or leave out the `:`, e.g. https://calls.example.com/hubspot/channel-connection',
    });
    expect(checkUrl('https://alice:#s3cret-pass@calls.example.com/hook')?.message).toBe('"https://[REDACTED]@calls.example.com/hook" has an empty port (a `:` with no number after the host)');
    expect(checkUrl('https://calls.example.com:8443/hook')).toBeUndefined();
  });

  it('law: no message or hint quotes the userinfo, whatever else is wrong with the URL', () => {
    // A password may hold a raw `/`, `?` or `#`, which makes the text no valid URL at all.
    // Left out: a password of digits then `/`, `?` or `#`, which every parser reads as a port and a path: no credentials at all.
    const userinfo = fc.stringMatching(/^[a-zA-Z0-9._~-]{8,20}(:[a-zA-Z0-9._~!$&'()*+,;=/?#-]{8,20})?$/).filter((info) => !/:\d+[/?#]/.test(info));
    const wrap = fc.constantFrom(
      (info: string) => `https://${info}@calls.example.com/hook`,
      (info: string) => `http://${info}@calls.example.com/hook`,
      (info: string) => `ftp://${info}@calls.example.com/hook`,
      (info: string) => ` https://${info}@calls.example.com/hook`,
      (info: string) => `https://${info}@calls.example.com/hook\n`,
      (info: string) => `https://${info}@calls.example.com/a b`,
      (info: string) => `${info}@calls.example.com/hook`,
      (info: string) => `https://${info}@calls.example.com:99999/`,
      (info: string) => `https:/${info}@calls.example.com/hook`,
      (info: string) => `https:${info}@calls.example.com/hook`,
      (info: string) => `https://${info}@calls.example.com/hook?to=a@b.example`,
    );
    fc.assert(
      fc.property(userinfo, wrap, (info, make) => {
        const problem = checkUrl(make(info));
        expect(problem).toBeDefined();
        for (const part of info.split(':')) {
          expect(problem?.message).not.toContain(part);
          expect(problem?.hint ?? '').not.toContain(part);
        }
      }),
    );
  });
});
