import { createHmac } from 'node:crypto';
import { safeEqual } from '../../common/crypto';

/** What the browser carries from the sign-in redirect to the callback (PKCE verifier, state, nonce). */
export interface OidcFlow {
  state: string;
  nonce: string;
  verifier: string;
  /** A path of the console to land on afterwards. */
  returnTo: string;
  expiresAtMs: number;
}

export const OIDC_FLOW_COOKIE = 'sb_oidc';
/** Time allowed at the identity provider (a password manager, a second factor). */
export const OIDC_FLOW_TTL_MS = 10 * 60_000;

/**
 * The flow as a cookie value: base64url JSON plus an HMAC, so the browser can hold it but not forge or
 * alter it (a changed state or verifier fails the MAC before openid-client even sees it).
 */
export function sealFlow(flow: OidcFlow, key: string): string {
  const body = Buffer.from(JSON.stringify(flow), 'utf8').toString('base64url');
  return `${body}.${mac(body, key)}`;
}

/** The flow, or null when the value is missing, forged, altered or expired. */
export function openFlow(value: string | undefined, key: string, nowMs: number): OidcFlow | null {
  if (!value) return null;
  const dot = value.lastIndexOf('.');
  if (dot <= 0 || !safeEqual(value.slice(dot + 1), mac(value.slice(0, dot), key))) return null;
  try {
    const flow = JSON.parse(Buffer.from(value.slice(0, dot), 'base64url').toString('utf8')) as OidcFlow;
    return typeof flow.state === 'string' && flow.expiresAtMs > nowMs ? flow : null;
  } catch {
    return null;
  }
}

function mac(body: string, key: string): string {
  return createHmac('sha256', key).update(`switchboard oidc flow\0${body}`).digest('base64url');
}
