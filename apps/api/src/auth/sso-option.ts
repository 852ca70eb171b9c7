import type { AuthOptions } from '@switchboard/contracts';

/** The login page's single sign-on button; the OIDC work replaces this with its configuration. */
export function ssoOption(): AuthOptions['sso'] {
  return { enabled: false, label: 'Single sign-on' };
}
