// Names the admin API writes into the audit log (`<targetType>.<verb>`), for the filters and labels.

export const TARGET_TYPES: { value: string; label: string }[] = [
  { value: 'deployment', label: 'Deployment' },
  { value: 'model_group', label: 'Model group' },
  { value: 'project', label: 'Project' },
  { value: 'virtual_key', label: 'Virtual key' },
  { value: 'model_price', label: 'Model price' },
  { value: 'config', label: 'Config import' },
  { value: 'admin_session', label: 'Admin session' },
  { value: 'account', label: 'Account' },
  { value: 'api_token', label: 'API token' },
];

export const ACTIONS: { value: string; targetType: string }[] = [
  { value: 'deployment.create', targetType: 'deployment' },
  { value: 'deployment.update', targetType: 'deployment' },
  { value: 'deployment.delete', targetType: 'deployment' },
  { value: 'deployment.reset', targetType: 'deployment' },
  { value: 'model_group.create', targetType: 'model_group' },
  { value: 'model_group.update', targetType: 'model_group' },
  { value: 'model_group.delete', targetType: 'model_group' },
  { value: 'project.create', targetType: 'project' },
  { value: 'project.update', targetType: 'project' },
  { value: 'project.delete', targetType: 'project' },
  { value: 'key.create', targetType: 'virtual_key' },
  { value: 'key.update', targetType: 'virtual_key' },
  { value: 'key.revoke', targetType: 'virtual_key' },
  { value: 'key.rotate', targetType: 'virtual_key' },
  { value: 'price.create', targetType: 'model_price' },
  { value: 'price.update', targetType: 'model_price' },
  { value: 'price.reset', targetType: 'model_price' },
  { value: 'price.delete', targetType: 'model_price' },
  { value: 'config.import', targetType: 'config' },
  { value: 'auth.login', targetType: 'admin_session' },
  { value: 'auth.logout', targetType: 'admin_session' },
  { value: 'auth.login_failed', targetType: 'account' },
  { value: 'account.create', targetType: 'account' },
  { value: 'account.update', targetType: 'account' },
  { value: 'account.role_change', targetType: 'account' },
  { value: 'account.disable', targetType: 'account' },
  { value: 'account.enable', targetType: 'account' },
  { value: 'account.password_set', targetType: 'account' },
  { value: 'account.password_reset', targetType: 'account' },
  { value: 'api_token.create', targetType: 'api_token' },
  { value: 'api_token.revoke', targetType: 'api_token' },
];

export function targetTypeLabel(value: string): string {
  return TARGET_TYPES.find((type) => type.value === value)?.label ?? value.replace(/_/g, ' ');
}

/** `create`, `delete`, `revoke`… decide the badge colour. */
export function actionVerb(action: string): string {
  return action.split('.').pop() ?? action;
}
