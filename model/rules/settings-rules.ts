import { Diagnostic } from '../diagnostics';
import { LoadedSettings } from '../load';
import { locatedError } from '../yaml-source';

/** Consistency of the settings file beyond its schema. */
export function checkSettings({ settings, source }: LoadedSettings): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { regions, organization, state, organizationalUnits } = settings;
  if (!regions.allowed.includes(regions.home)) {
    out.push(locatedError(source, ['regions', 'home'], 'region', `home region ${regions.home} is not in regions.allowed`, `one of ${regions.allowed.join(', ')}, or add ${regions.home} to regions.allowed`));
  }
  if (!regions.allowed.includes(state.region)) {
    out.push(locatedError(source, ['state', 'region'], 'region', `state region ${state.region} is not in regions.allowed: the guardrails would deny it`, `one of ${regions.allowed.join(', ')}`));
  }
  regions.allowed.forEach((r, i) => {
    if (regions.allowed.indexOf(r) !== i) out.push(locatedError(source, ['regions', 'allowed', i], 'duplicate', `region ${r} is listed twice`, 'each region once'));
  });
  if (organization.managementAccountId === organization.platformAccountId) {
    out.push(locatedError(source, ['organization', 'platformAccountId'], 'account-id', 'the platform account is the management account', 'a separate member account for the platform (workloads never run in the management account)'));
  }
  // One name per role: a plan role that is also the deployment role could write.
  const roleNames = Object.entries(settings.roles) as Array<[string, string]>;
  roleNames.forEach(([key, name], i) => {
    const clash = roleNames.findIndex(([, other]) => other === name);
    if (clash !== i) out.push(locatedError(source, ['roles', key], 'duplicate', `role name "${name}" is also used for roles.${roleNames[clash][0]}`, 'a distinct role name for each of deployment, breakGlass, pipeline, pipelinePlan, plan and organizationAccess'));
  });
  const ouNames = Object.entries(organizationalUnits);
  ouNames.forEach(([key, name], i) => {
    const clash = ouNames.findIndex(([, other]) => other.toLowerCase() === name.toLowerCase());
    if (clash !== i) out.push(locatedError(source, ['organizationalUnits', key], 'duplicate', `OU name "${name}" is also used for ${ouNames[clash][0]}`, 'a distinct name per organizational unit'));
  });
  return out;
}
