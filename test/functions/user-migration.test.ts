import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { UserMigrationTriggerEvent } from 'aws-lambda';
import { createHandler, poolRegion, userMigrationEnv } from '../../functions/user-migration/handler';
import { FakeCognito } from '../helpers/cognito-pools';
import { FakeClock, mockSts, recordingLogger } from './support';

const SHARED = 'eu-west-1_Shared01';
const CLIENT = 'migration-client';
const ROLE = 'arn:aws:iam::222222222222:role/kpz-acme-user-migration-source';
const env = { tenantId: 'acme', sourceUserPoolId: SHARED, sourceClientId: CLIENT, sourceRoleArn: ROLE };

function setup() {
  const cognito = new FakeCognito();
  cognito.addPool(SHARED);
  cognito.addClient(SHARED, CLIENT, ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  const jane = cognito.addUser(SHARED, { email: 'jane@acme.example', email_verified: 'true', name: 'Jane', 'custom:tenant_id': 'acme', 'custom:tenant_tier': 'L2' }, 'Correct-Horse-1');
  cognito.addUser(SHARED, { email: 'bob@globex.example', email_verified: 'true', 'custom:tenant_id': 'globex' }, 'Bobs-Password-1');
  cognito.addUser(SHARED, { email: 'new@acme.example', email_verified: 'true', 'custom:tenant_id': 'acme' }, 'Temporary-1', 'FORCE_CHANGE_PASSWORD');
  const clock = new FakeClock();
  const sts = mockSts(clock);
  const source = cognito.client();
  const factoryCalls: string[] = [];
  const logger = recordingLogger();
  const handler = createHandler({
    sts: sts.client,
    cognitoFactory: (credentials, region) => {
      factoryCalls.push(`${credentials.accessKeyId} ${region}`);
      return source;
    },
    env,
    now: clock.now,
    logger,
  });
  return { cognito, jane, sts, handler, factoryCalls, logger };
}

function event(triggerSource: UserMigrationTriggerEvent['triggerSource'], userName: string, password = ''): UserMigrationTriggerEvent {
  return {
    version: '1',
    triggerSource,
    region: 'eu-west-1',
    userPoolId: 'eu-west-1_Own00001',
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'web' },
    request: { password },
    response: { userAttributes: {}, desiredDeliveryMediums: [] },
  } as UserMigrationTriggerEvent;
}

describe('user migration trigger', () => {
  test('the right password moves the user with its attributes and old id; no reset, no e-mail', async () => {
    const { handler, jane, sts, factoryCalls } = setup();
    const out = await handler(event('UserMigration_Authentication', 'jane@acme.example', 'Correct-Horse-1'));
    expect(out.response).toMatchObject({
      userAttributes: { email: 'jane@acme.example', email_verified: 'true', name: 'Jane', 'custom:tenant_id': 'acme', 'custom:previous_user_id': jane.username },
      finalUserStatus: 'CONFIRMED',
      messageAction: 'SUPPRESS',
    });
    expect(out.response.userAttributes['custom:tenant_tier']).toBeUndefined();
    // Through the tenant's source role only, in the shared pool's region.
    expect(sts.mock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([ROLE]);
    expect(factoryCalls).toEqual(['ASIA1 eu-west-1']);
  });

  test('the password is checked against the shared pool with the migration client, then the user read', async () => {
    const { handler, cognito } = setup();
    await handler(event('UserMigration_Authentication', 'jane@acme.example', 'Correct-Horse-1'));
    expect(cognito.calls).toEqual([
      { command: 'AdminInitiateAuth', input: { UserPoolId: SHARED, ClientId: CLIENT, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'jane@acme.example', PASSWORD: 'Correct-Horse-1' } } },
      { command: 'AdminGetUser', input: { UserPoolId: SHARED, Username: 'jane@acme.example' } },
    ]);
  });

  test.each([
    ['a wrong password', 'jane@acme.example', 'wrong', 'the shared pool refused the credentials'],
    ['an unknown user', 'nobody@acme.example', 'x', 'the shared pool refused the credentials'],
    ["another tenant's user, even with the right password", 'bob@globex.example', 'Bobs-Password-1', 'user of another tenant'],
  ])('%s is refused with the same message', async (_name, user, password, reason) => {
    const { handler, logger } = setup();
    await expect(handler(event('UserMigration_Authentication', user, password))).rejects.toThrow('Incorrect username or password');
    expect(logger.records.at(-1)).toMatchObject({ level: 'warn', message: 'user not migrated', fields: { reason } });
  });

  test('a user who never set a password keeps having to', async () => {
    const { handler } = setup();
    const out = await handler(event('UserMigration_Authentication', 'new@acme.example', 'Temporary-1'));
    expect(out.response.finalUserStatus).toBe('RESET_REQUIRED');
  });

  test('a disabled user does not move', async () => {
    const { handler, cognito } = setup();
    cognito.find(SHARED, 'jane@acme.example')!.enabled = false;
    await expect(handler(event('UserMigration_ForgotPassword', 'jane@acme.example'))).rejects.toThrow('Incorrect username or password');
  });

  test('a forgotten password moves the user without a password check; Cognito then sends the code', async () => {
    const { handler, jane } = setup();
    const out = await handler(event('UserMigration_ForgotPassword', 'jane@acme.example'));
    expect(out.response.userAttributes).toMatchObject({ 'custom:tenant_id': 'acme', 'custom:previous_user_id': jane.username });
    expect(out.response.finalUserStatus).toBeUndefined();
  });

  test('the source session is reused until it nears its end', async () => {
    const { handler, sts } = setup();
    await handler(event('UserMigration_Authentication', 'jane@acme.example', 'Correct-Horse-1'));
    await handler(event('UserMigration_ForgotPassword', 'jane@acme.example'));
    expect(sts.mock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  test('env and pool region', () => {
    expect(userMigrationEnv({ TENANT_ID: 'acme', SOURCE_USER_POOL_ID: SHARED, SOURCE_CLIENT_ID: CLIENT, SOURCE_ROLE_ARN: ROLE })).toEqual(env);
    expect(() => userMigrationEnv({})).toThrow('Environment variable TENANT_ID is not set');
    expect(poolRegion('eu-central-1_AbC')).toBe('eu-central-1');
    expect(() => poolRegion('nonsense')).toThrow(/does not start with a region/);
  });
});
