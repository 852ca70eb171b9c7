/** `/login?error=<code>` after a failed single sign-on, in words a person can act on. */
const SSO_ERRORS: Readonly<Record<string, string>> = {
  sso_domain_not_allowed:
    'Your email domain is not allowed to sign in to this console. Sign in with another account, or ask an administrator to allow your domain.',
  sso_account_disabled: 'Your account is disabled. Ask an administrator to enable it again.',
  sso_no_role:
    'Single sign-on worked, but you have no account or role in this console yet. Ask an administrator to invite you.',
  sso_failed: 'Single sign-on did not complete. Try again, or sign in with your email and password.',
};

export function loginErrorMessage(code: string | undefined): string | null {
  if (!code) return null;
  return SSO_ERRORS[code] ?? 'Sign-in did not complete. Try again.';
}

/** `/login?notice=<code>`: good news from the page that sent the operator here. */
const NOTICES: Readonly<Record<string, string>> = {
  'password-set': 'Your password is set. Sign in with your email and the new password.',
};

export function loginNoticeMessage(code: string | undefined): string | null {
  return code ? (NOTICES[code] ?? null) : null;
}
