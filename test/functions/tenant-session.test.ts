import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { TenantScopedClients } from '../../functions/shared/tenant-clients';
import {
  CREDENTIAL_REFRESH_MARGIN_MS,
  roleSessionName,
  TenantSessions,
  type TenantCredentials,
} from '../../functions/shared/tenant-session';
import { dedicatedEntry, FakeClock, mockSts, mockTenantClients, pooledEntry } from './support';

const pooled = pooledEntry('acme');
const dedicated = dedicatedEntry('globex', '222222222222');

function setup() {
  const clock = new FakeClock();
  const sts = mockSts(clock);
  const sessions = new TenantSessions({ sts: sts.client, now: clock.now });
  return { clock, sts, sessions };
}

describe('TenantSessions', () => {
  test('assumes the pooled data-access role with exactly the TenantId tag and no external id', async () => {
    const { sts, sessions, clock } = setup();

    const credentials = await sessions.credentialsFor('acme', pooled.data);

    expect(sts.mock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([
      {
        RoleArn: 'arn:aws:iam::111111111111:role/lz-pooled-data-access',
        RoleSessionName: 'tenant-acme',
        DurationSeconds: 900,
        Tags: [{ Key: 'TenantId', Value: 'acme' }],
      },
    ]);
    expect(credentials).toEqual({
      accessKeyId: 'ASIA1',
      secretAccessKey: 'secret-1',
      sessionToken: 'token-1',
      expiration: new Date(clock.ms + 900_000),
    });
  });

  test('passes the external id of a dedicated tenant', async () => {
    const { sts, sessions } = setup();

    await sessions.credentialsFor('globex', dedicated.data);

    expect(sts.mock.commandCalls(AssumeRoleCommand)[0].args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::222222222222:role/lz-data-access',
      RoleSessionName: 'tenant-globex',
      DurationSeconds: 900,
      Tags: [{ Key: 'TenantId', Value: 'globex' }],
      ExternalId: 'globex',
    });
  });

  test('reuses credentials until 60 seconds before they expire', async () => {
    const { sts, sessions, clock } = setup();

    const first = await sessions.credentialsFor('acme', pooled.data);
    clock.advance(900_000 - CREDENTIAL_REFRESH_MARGIN_MS - 1);
    await expect(sessions.credentialsFor('acme', pooled.data)).resolves.toBe(first);
    expect(sts.mock.commandCalls(AssumeRoleCommand)).toHaveLength(1);

    clock.advance(1);
    const second = await sessions.credentialsFor('acme', pooled.data);
    expect(second.accessKeyId).toBe('ASIA2');
    expect(sts.mock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  test('caches per tenant and per role: one tenant never gets credentials vended for another', async () => {
    const { sts, sessions } = setup();

    const acme = await sessions.credentialsFor('acme', pooled.data);
    const initech = await sessions.credentialsFor('initech', pooled.data);
    const acmeElsewhere = await sessions.credentialsFor('acme', dedicated.data);
    await sessions.credentialsFor('acme', pooled.data);

    expect([acme.accessKeyId, initech.accessKeyId, acmeElsewhere.accessKeyId]).toEqual(['ASIA1', 'ASIA2', 'ASIA3']);
    expect(
      sts.mock.commandCalls(AssumeRoleCommand).map(({ args: [{ input }] }) => [input.RoleArn, input.Tags?.[0]?.Value]),
    ).toEqual([
      [pooled.data.dataAccessRoleArn, 'acme'],
      [pooled.data.dataAccessRoleArn, 'initech'],
      [dedicated.data.dataAccessRoleArn, 'acme'],
    ]);
  });

  test('refuses an AssumeRole answer without credentials', async () => {
    const sts = new STSClient({ region: 'eu-west-1' });
    mockClient(sts).on(AssumeRoleCommand).resolves({});
    const sessions = new TenantSessions({ sts });

    await expect(sessions.credentialsFor('acme', pooled.data)).rejects.toThrow(
      'AssumeRole on arn:aws:iam::111111111111:role/lz-pooled-data-access returned no usable credentials',
    );
  });

  test('propagates an AssumeRole refusal', async () => {
    const sts = new STSClient({ region: 'eu-west-1' });
    mockClient(sts).on(AssumeRoleCommand).rejects(new Error('AccessDenied'));

    await expect(new TenantSessions({ sts }).credentialsFor('acme', pooled.data)).rejects.toThrow('AccessDenied');
  });
});

describe('roleSessionName', () => {
  test('is tenant-<id>, cut to 64 characters, in the STS character set', () => {
    expect(roleSessionName('acme')).toBe('tenant-acme');
    expect(roleSessionName('x'.repeat(100))).toBe(`tenant-${'x'.repeat(57)}`);
    expect(roleSessionName('a b/c')).toBe('tenant-a-b-c');
  });
});

describe('TenantScopedClients', () => {
  function setupClients(maxTenants?: number) {
    const { clock, sts, sessions } = setup();
    const built: { region: string; credentials: TenantCredentials; destroyed: boolean }[] = [];
    const scoped = new TenantScopedClients({
      credentials: sessions,
      maxTenants,
      factory: (credentials, region) => {
        const record = { region, credentials, destroyed: false };
        built.push(record);
        const { db, s3 } = mockTenantClients();
        return { db, s3, destroy: () => (record.destroyed = true) };
      },
    });
    return { clock, sts, scoped, built };
  }

  test('builds clients with the tenant credentials in the region of the data', async () => {
    const { scoped, built } = setupClients();

    await scoped.clientsFor('globex', dedicated.data);

    expect(built).toHaveLength(1);
    expect(built[0].region).toBe('eu-central-1');
    expect(built[0].credentials.accessKeyId).toBe('ASIA1');
  });

  test('reuses clients while the credentials last and replaces them when the credentials change', async () => {
    const { scoped, built, clock } = setupClients();

    const first = await scoped.clientsFor('acme', pooled.data);
    await expect(scoped.clientsFor('acme', pooled.data)).resolves.toBe(first);
    expect(built).toHaveLength(1);

    clock.advance(900_000);
    const renewed = await scoped.clientsFor('acme', pooled.data);
    expect(renewed).not.toBe(first);
    expect(built.map((b) => [b.credentials.accessKeyId, b.destroyed])).toEqual([
      ['ASIA1', true],
      ['ASIA2', false],
    ]);
  });

  test('never hands one tenant the clients of another', async () => {
    const { scoped } = setupClients();

    const acme = await scoped.clientsFor('acme', pooled.data);
    const initech = await scoped.clientsFor('initech', pooled.data);
    expect(initech).not.toBe(acme);
  });

  test('closes the least recently used tenant clients beyond the limit', async () => {
    const { scoped, built } = setupClients(2);

    await scoped.clientsFor('t1', pooled.data);
    await scoped.clientsFor('t2', pooled.data);
    await scoped.clientsFor('t1', pooled.data);
    await scoped.clientsFor('t3', pooled.data);

    expect(built.map((b) => b.destroyed)).toEqual([false, true, false]);
  });
});
