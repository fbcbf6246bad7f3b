import { resourceNamed } from '../resources/index.js';
import { API_VERSION_TABLE } from './api-versions.js';
import type { ResourceTarget } from './types.js';

/**
 * The path of `target`'s resource below the base URL, starting with `/` and
 * without query: the version's prefix, the app id, the descriptor's segment
 * (e.g. `/crm/extensions/calling/2026-03/42/settings/recording`).
 */
export function resourcePath(target: Pick<ResourceTarget, 'appId' | 'apiVersion' | 'resource'>): string {
  return `${API_VERSION_TABLE[target.apiVersion].pathPrefix}/${target.appId}/${resourceNamed(target.resource).pathSegment}`;
}
