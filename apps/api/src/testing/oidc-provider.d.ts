// `oidc-provider` ships no types; the test identity provider (oidc-test-provider.ts) uses a handful of its calls.
declare module 'oidc-provider' {
  export const Provider: any;
}
