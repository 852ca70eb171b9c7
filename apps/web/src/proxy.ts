import { type NextRequest, NextResponse } from 'next/server';

/**
 * Forwards the admin API (and health) to the Switchboard API so the browser stays same-origin and the
 * session cookie first-party. The target is read per request from API_INTERNAL_URL, so the same build
 * works on a laptop, in tests on other ports, and in Docker (`http://switchboard:4000`).
 * Also `/v1/chat/completions`, for the "Connect Dify" card's check (the gateway sends no CORS headers);
 * only that route of the data plane: a body passing through here is cut at 10 MB (proxyClientMaxBodySize).
 */
export function proxy(request: NextRequest) {
  const origin = (process.env.API_INTERNAL_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const { pathname, search } = request.nextUrl;
  return NextResponse.rewrite(new URL(`${pathname}${search}`, origin));
}

export const config = {
  matcher: ['/api/:path*', '/health', '/health/:path*', '/v1/chat/completions'],
};
