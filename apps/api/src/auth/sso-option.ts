import type { AuthOptions } from '@switchboard/contracts';
import type { OidcSettings } from './oidc/oidc-settings';

/** The login page's single sign-on button. */
export function ssoOption(settings: OidcSettings | null): AuthOptions['sso'] {
  return settings ? { enabled: true, label: settings.label } : { enabled: false, label: 'Single sign-on' };
}
