import { describe, expect, it } from 'vitest';
import { nodeDebugProblem } from '../../../src/runtime/node-debug.js';

describe('nodeDebugProblem', () => {
  it('allows no NODE_DEBUG, an empty one, and modules that print no requests', () => {
    expect(nodeDebugProblem({})).toBeUndefined();
    expect(nodeDebugProblem({ NODE_DEBUG: ' ' })).toBeUndefined();
    expect(nodeDebugProblem({ NODE_DEBUG: 'stream,timer module' })).toBeUndefined();
    expect(nodeDebugProblem({ NODE_DEBUG: 'httpx' })).toBeUndefined();
  });

  for (const value of ['http', 'https', 'net', 'tls', 'http2', 'undici', 'fetch', '*', 'HTTP', 'ht*', 'stream,net', 'timer tls']) {
    it(`refuses NODE_DEBUG=${value}`, () => {
      const problem = nodeDebugProblem({ NODE_DEBUG: value });
      expect(problem).toBeDefined();
      expect(problem).toContain('NODE_DEBUG=');
      expect(problem).not.toContain('stream');
    });
  }

  it('names only the entries that leak', () => {
    expect(nodeDebugProblem({ NODE_DEBUG: 'stream,http,net' })).toMatch(/^NODE_DEBUG=http,net would make Node print request URLs and headers/);
  });
});
