import { BackupPlan as AwsBackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Role, serviceTrust } from '../iam/role';

export interface BackupPlanProps {
  readonly vaultName: string;
  readonly planName: string;
  readonly selectionName: string;
  readonly roleName: string;
  /** Key of the vault (recovery points are encrypted with it). */
  readonly kmsKeyArn: string;
  /** AWS cron expression. */
  readonly schedule: string;
  readonly retentionDays: number;
  /** @default recovery points stay in warm storage */
  readonly coldStorageAfterDays?: number;
  /** Resources to back up (table and bucket ARNs). */
  readonly resourceArns: ReadonlyArray<string>;
  /**
   * Lock the vault (WORM): recovery points cannot be deleted before `minRetentionDays`, and
   * after the grace period the lock itself cannot be removed.
   * IMPORTANT: once the grace period has passed, nobody (not even the root user) can undo it.
   * @default no lock
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html
   */
  readonly vaultLock?: { readonly changeableForDays: number };
  readonly accountId: string;
  readonly provider?: TerraformProvider;
}

/** AWS Backup: an encrypted vault, a plan with one rule from the schedule and retention, its role and the selection. */
export class BackupPlan extends Construct {
  readonly vaultName: string;

  constructor(scope: Construct, id: string, props: BackupPlanProps) {
    super(scope, id);
    if (props.coldStorageAfterDays !== undefined && props.retentionDays < props.coldStorageAfterDays + 90) {
      throw new Error(`BackupPlan ${id}: retentionDays must be at least coldStorageAfterDays + 90 (${props.coldStorageAfterDays + 90}); got ${props.retentionDays}`);
    }
    if (props.resourceArns.length === 0) throw new Error(`BackupPlan ${id}: resourceArns must name at least one resource`);
    if (props.vaultLock && (props.vaultLock.changeableForDays < 3 || !Number.isInteger(props.vaultLock.changeableForDays))) {
      throw new Error(`BackupPlan ${id}: vaultLock.changeableForDays must be a whole number >= 3 (AWS minimum); got ${props.vaultLock.changeableForDays}`);
    }
    const provider = props.provider;
    this.vaultName = props.vaultName;
    const vault = new BackupVault(this, 'vault', { name: props.vaultName, kmsKeyArn: props.kmsKeyArn, forceDestroy: false, provider });
    if (props.vaultLock) {
      new BackupVaultLockConfiguration(this, 'lock', {
        backupVaultName: vault.name,
        minRetentionDays: Math.min(props.retentionDays, 36500),
        maxRetentionDays: 36500,
        changeableForDays: props.vaultLock.changeableForDays,
        provider,
      });
    }
    const plan = new AwsBackupPlan(this, 'plan', {
      name: props.planName,
      rule: [
        {
          ruleName: 'scheduled',
          targetVaultName: vault.name,
          schedule: props.schedule,
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: props.retentionDays, coldStorageAfter: props.coldStorageAfterDays },
        },
      ],
      provider,
    });
    const role = new Role(this, 'role', { roleName: props.roleName, trustPolicy: serviceTrust('backup.amazonaws.com', props.accountId), provider });
    for (const [key, policy] of [
      ['backup', 'service-role/AWSBackupServiceRolePolicyForBackup'],
      ['restore', 'service-role/AWSBackupServiceRolePolicyForRestores'],
      ['s3-backup', 'AWSBackupServiceRolePolicyForS3Backup'],
      ['s3-restore', 'AWSBackupServiceRolePolicyForS3Restore'],
    ]) {
      new IamRolePolicyAttachment(this, `role-${key}`, { role: role.role.name, policyArn: `arn:aws:iam::aws:policy/${policy}`, provider });
    }
    new BackupSelection(this, 'selection', { name: props.selectionName, planId: plan.id, iamRoleArn: role.arn, resources: [...props.resourceArns], provider });
  }
}
