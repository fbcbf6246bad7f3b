// HubSpot's calling-extension API versions, one row each (DESIGN.md "The
// HubSpot API"). Versions age out (v3 in September 2027, dated versions 18
// months after release): adding or retiring one is a change to this table.
// Pure data, so the config layer can read it without loading the client.

export const API_VERSION_TABLE = {
  v3: { pathPrefix: '/crm/v3/extensions/calling', defaultAuth: 'developer-api-key' },
  '2025-09': { pathPrefix: '/crm/extensions/calling/2025-09', defaultAuth: 'access-token' },
  '2026-03': { pathPrefix: '/crm/extensions/calling/2026-03', defaultAuth: 'access-token' },
  '2026-09': { pathPrefix: '/crm/extensions/calling/2026-09', defaultAuth: 'access-token' },
} as const satisfies Record<string, { pathPrefix: string; defaultAuth: 'developer-api-key' | 'access-token' }>;
