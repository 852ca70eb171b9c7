import path from 'node:path';
import type { NextConfig } from 'next';

// The browser only ever talks to this origin; src/proxy.ts forwards /api/*, /health and (for the Connect
// Dify check) /v1/chat/completions to the API
// (read from API_INTERNAL_URL when the server runs, so one build serves any deployment).
const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: true,
  // node_modules live at the monorepo root, not next to this app.
  turbopack: { root: path.resolve(__dirname, '../..') },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
