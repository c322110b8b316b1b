import { BackupPlan as AwsBackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Role, serviceTrust } from '../iam/role';

export interface BackupVaultProps {
  readonly name: string;
  /** Key of the vault (recovery points are encrypted with it). IMPORTANT: changing it replaces the vault. */
  readonly kmsKeyArn: string;
}

export interface BackupPlanProps {
  /** The vault, always created. */
  readonly vault: BackupVaultProps;
  /**
   * A second vault, locked, that the plan targets instead (L3: encrypted with the tenant's
   * own key). The first vault is kept for the recovery points already in it.
   * @default the plan targets `vault`
   */
  readonly lockedVault?: BackupVaultProps & { readonly changeableForDays: number };
  readonly planName: string;
  readonly selectionName: string;
  readonly roleName: string;
  /** AWS cron expression. */
  readonly schedule: string;
  readonly retentionDays: number;
  /** @default recovery points stay in warm storage */
  readonly coldStorageAfterDays?: number;
  /** Resources to back up (table and bucket ARNs). */
  readonly resourceArns: ReadonlyArray<string>;
  readonly accountId: string;
  readonly provider?: TerraformProvider;
}

/**
 * AWS Backup: an encrypted vault (and optionally a locked one, which the plan then targets), a
 * plan with one rule from the schedule and retention, its role and the selection. The lock is
 * WORM: recovery points cannot be deleted before the retention, and once `changeableForDays`
 * has passed nobody, not even the root user, can remove the lock.
 * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
 */
export class BackupPlan extends Construct {
  /** The role AWS Backup assumes (named in the keys' policies). */
  readonly role: Role;
  /** Name of the vault the plan writes to. */
  readonly targetVaultName: string;
  /** ARN of the vault the plan writes to (restore tests read its recovery points). */
  readonly targetVaultArn: string;
  /** ARN of the role backups and restores run with. */
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: BackupPlanProps) {
    super(scope, id);
    if (props.coldStorageAfterDays !== undefined && props.retentionDays < props.coldStorageAfterDays + 90) {
      throw new Error(`BackupPlan ${id}: retentionDays must be at least coldStorageAfterDays + 90 (${props.coldStorageAfterDays + 90}); got ${props.retentionDays}`);
    }
    if (props.resourceArns.length === 0) throw new Error(`BackupPlan ${id}: resourceArns must name at least one resource`);
    const locked = props.lockedVault;
    if (locked && (locked.changeableForDays < 3 || !Number.isInteger(locked.changeableForDays))) {
      throw new Error(`BackupPlan ${id}: lockedVault.changeableForDays must be a whole number >= 3 (AWS minimum); got ${locked.changeableForDays}`);
    }
    if (locked && locked.name === props.vault.name) throw new Error(`BackupPlan ${id}: lockedVault.name must differ from vault.name (${locked.name})`);
    const provider = props.provider;
    let target = new BackupVault(this, 'vault', { name: props.vault.name, kmsKeyArn: props.vault.kmsKeyArn, forceDestroy: false, provider });
    if (locked) {
      target = new BackupVault(this, 'locked-vault', { name: locked.name, kmsKeyArn: locked.kmsKeyArn, forceDestroy: false, provider });
      new BackupVaultLockConfiguration(this, 'lock', {
        backupVaultName: target.name,
        minRetentionDays: Math.min(props.retentionDays, 36500),
        maxRetentionDays: 36500,
        changeableForDays: locked.changeableForDays,
        provider,
      });
    }
    this.targetVaultName = locked ? locked.name : props.vault.name;
    this.targetVaultArn = target.arn;
    const plan = new AwsBackupPlan(this, 'plan', {
      name: props.planName,
      rule: [
        {
          ruleName: 'scheduled',
          targetVaultName: target.name,
          schedule: props.schedule,
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: props.retentionDays, coldStorageAfter: props.coldStorageAfterDays },
        },
      ],
      provider,
    });
    const role = new Role(this, 'role', { roleName: props.roleName, trustPolicy: serviceTrust('backup.amazonaws.com', props.accountId), provider });
    this.role = role;
    for (const [key, policy] of [
      ['backup', 'service-role/AWSBackupServiceRolePolicyForBackup'],
      ['restore', 'service-role/AWSBackupServiceRolePolicyForRestores'],
      ['s3-backup', 'AWSBackupServiceRolePolicyForS3Backup'],
      ['s3-restore', 'AWSBackupServiceRolePolicyForS3Restore'],
    ]) {
      new IamRolePolicyAttachment(this, `role-${key}`, { role: role.role.name, policyArn: `arn:aws:iam::aws:policy/${policy}`, provider });
    }
    this.roleArn = role.arn;
    new BackupSelection(this, 'selection', { name: props.selectionName, planId: plan.id, iamRoleArn: role.arn, resources: [...props.resourceArns], provider });
  }
}
