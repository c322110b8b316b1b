import { BackupRestoreTestingPlan } from '@cdktf/provider-aws/lib/backup-restore-testing-plan';
import { BackupRestoreTestingSelection } from '@cdktf/provider-aws/lib/backup-restore-testing-selection';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';

/** Resource types AWS Backup restore testing restores (the landing zone's data: tables and buckets). */
export type RestoreTestResourceType = 'DynamoDB' | 'S3';

export interface RestoreTestSelectionProps {
  /**
   * Letters, digits and underscores, at most 50 characters.
   * IMPORTANT: changing it replaces the selection.
   */
  readonly name: string;
  readonly resourceType: RestoreTestResourceType;
  /** The protected resources (table or bucket ARNs) whose recovery points are restored. */
  readonly resourceArns: ReadonlyArray<string>;
  /**
   * Hours the restored copy is kept for validation before AWS Backup deletes it (0-168).
   * @default 24
   */
  readonly validationWindowHours?: number;
}

export interface RestoreTestingProps {
  /**
   * Letters, digits and underscores, at most 50 characters.
   * IMPORTANT: changing it replaces the plan and its selections.
   * @see https://docs.aws.amazon.com/aws-backup/latest/devguide/restore-testing.html
   */
  readonly planName: string;
  /** AWS cron expression (UTC) of the test runs. */
  readonly scheduleExpression: string;
  /** Vaults whose recovery points are tested (ARNs). */
  readonly vaultArns: ReadonlyArray<string>;
  /**
   * How far back the latest recovery point is looked for (1-365 days).
   * @default 30
   */
  readonly selectionWindowDays?: number;
  /**
   * Hours after the scheduled time in which the test must start.
   * @default 8
   */
  readonly startWindowHours?: number;
  /** The role restores run with (needs the restore policies and use of the vaults' keys). */
  readonly roleArn: string;
  readonly selections: ReadonlyArray<RestoreTestSelectionProps>;
  readonly provider?: TerraformProvider;
}

const NAME = /^[A-Za-z0-9_]{1,50}$/;

/**
 * AWS Backup restore testing: on the schedule, the latest recovery point of each selected
 * resource is restored to a new resource, kept for the validation window, then deleted by AWS
 * Backup. The restore jobs and their results are what proves the backups (`lz audit --live`).
 */
export class RestoreTesting extends Construct {
  readonly plan: BackupRestoreTestingPlan;

  constructor(scope: Construct, id: string, props: RestoreTestingProps) {
    super(scope, id);
    if (!NAME.test(props.planName)) throw new Error(`RestoreTesting ${id}: planName must be 1-50 letters, digits and underscores; got ${props.planName}`);
    if (props.vaultArns.length === 0) throw new Error(`RestoreTesting ${id}: vaultArns must name at least one vault`);
    if (props.selections.length === 0) throw new Error(`RestoreTesting ${id}: selections must name at least one selection`);
    const window = props.selectionWindowDays ?? 30;
    if (!Number.isInteger(window) || window < 1 || window > 365) throw new Error(`RestoreTesting ${id}: selectionWindowDays must be a whole number of 1-365; got ${window}`);
    this.plan = new BackupRestoreTestingPlan(this, 'plan', {
      name: props.planName,
      scheduleExpression: props.scheduleExpression,
      scheduleExpressionTimezone: 'Etc/UTC',
      startWindowHours: props.startWindowHours ?? 8,
      recoveryPointSelection: [{ algorithm: 'LATEST_WITHIN_WINDOW', includeVaults: [...props.vaultArns], recoveryPointTypes: ['SNAPSHOT'], selectionWindowDays: window }],
      provider: props.provider,
    });
    for (const s of props.selections) {
      if (!NAME.test(s.name)) throw new Error(`RestoreTesting ${id}: selection name must be 1-50 letters, digits and underscores; got ${s.name}`);
      if (s.resourceArns.length === 0) throw new Error(`RestoreTesting ${id}: selection ${s.name} must name at least one resource`);
      const hours = s.validationWindowHours ?? 24;
      if (!Number.isInteger(hours) || hours < 0 || hours > 168) throw new Error(`RestoreTesting ${id}: validationWindowHours of ${s.name} must be a whole number of 0-168; got ${hours}`);
      new BackupRestoreTestingSelection(this, `selection-${s.resourceType.toLowerCase()}`, {
        name: s.name,
        restoreTestingPlanName: this.plan.name,
        protectedResourceType: s.resourceType,
        protectedResourceArns: [...s.resourceArns],
        iamRoleArn: props.roleArn,
        validationWindowHours: hours,
        provider: props.provider,
      });
    }
  }
}
