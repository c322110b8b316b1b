/**
 * Cognito has no local implementation: user pools in memory, served to real
 * CognitoIdentityProviderClient instances through aws-sdk-client-mock in the request and
 * response shapes of the Cognito API (the admin calls the migration uses), plus what Cognito
 * itself does at a sign-in to a pool with a user migration and a post authentication trigger.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  CognitoIdentityProviderClient,
  InvalidParameterException,
  ListUsersCommand,
  NotAuthorizedException,
  UsernameExistsException,
  UserNotFoundException,
  type AttributeType,
  type UserStatusType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PostAuthenticationTriggerEvent, UserMigrationTriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { randomUUID } from 'crypto';

export interface FakeUser {
  readonly username: string;
  attributes: Record<string, string>;
  password: string;
  status: UserStatusType;
  enabled: boolean;
}

interface FakePool {
  readonly id: string;
  readonly clients: Map<string, ReadonlyArray<string>>;
  readonly users: Map<string, FakeUser>;
  /** Invitations Cognito would have e-mailed (AdminCreateUser without SUPPRESS). */
  readonly invitations: string[];
}

const meta = { $metadata: {} };

export class FakeCognito {
  private readonly pools = new Map<string, FakePool>();
  /** Every admin call made to any client, in order. */
  readonly calls: Array<{ readonly command: string; readonly input: Record<string, any> }> = [];

  addPool(id: string): void {
    this.pools.set(id, { id, clients: new Map(), users: new Map(), invitations: [] });
  }

  addClient(poolId: string, clientId: string, flows: ReadonlyArray<string>): void {
    this.pool(poolId).clients.set(clientId, flows);
  }

  /** A user as onboarding creates it (username = sub, e-mail as alias). */
  addUser(poolId: string, attributes: Record<string, string>, password: string, status: UserStatusType = 'CONFIRMED'): FakeUser {
    const sub = attributes.sub ?? randomUUID();
    const user: FakeUser = { username: sub, attributes: { ...attributes, sub }, password, status, enabled: true };
    this.pool(poolId).users.set(sub, user);
    return user;
  }

  users(poolId: string): FakeUser[] {
    return [...this.pool(poolId).users.values()];
  }

  invitations(poolId: string): string[] {
    return this.pool(poolId).invitations;
  }

  find(poolId: string, usernameOrEmail: string): FakeUser | undefined {
    const pool = this.pool(poolId);
    return pool.users.get(usernameOrEmail) ?? [...pool.users.values()].find((u) => u.attributes.email?.toLowerCase() === usernameOrEmail.toLowerCase());
  }

  /** A client whose admin calls this fake answers. */
  client(): CognitoIdentityProviderClient {
    const client = new CognitoIdentityProviderClient({ region: 'eu-west-1' });
    const mock = mockClient(client);
    const attrs = (u: FakeUser, only?: ReadonlyArray<string>): AttributeType[] =>
      Object.entries(u.attributes)
        .filter(([Name]) => !only || only.includes(Name))
        .map(([Name, Value]) => ({ Name, Value }));
    const shape = (u: FakeUser, only?: ReadonlyArray<string>) => ({ Username: u.username, Attributes: attrs(u, only), Enabled: u.enabled, UserStatus: u.status, UserCreateDate: new Date(0), UserLastModifiedDate: new Date(0) });
    const notFound = () => new UserNotFoundException({ message: 'User does not exist.', ...meta });

    mock.on(ListUsersCommand).callsFake((input) => {
      this.calls.push({ command: 'ListUsers', input });
      const limit = input.Limit ?? 60;
      if (limit > 60) throw new InvalidParameterException({ message: '1 validation error detected: Value at limit failed to satisfy constraint: Member must have value less than or equal to 60', ...meta });
      const all = [...this.pool(input.UserPoolId).users.values()].sort((a, b) => (a.username < b.username ? -1 : 1));
      const start = input.PaginationToken ? Number(input.PaginationToken) : 0;
      const page = all.slice(start, start + limit);
      return { Users: page.map((u) => shape(u, input.AttributesToGet)), ...(start + limit < all.length ? { PaginationToken: String(start + limit) } : {}) };
    });
    mock.on(AdminGetUserCommand).callsFake((input) => {
      this.calls.push({ command: 'AdminGetUser', input });
      const u = this.find(input.UserPoolId, input.Username);
      if (!u) throw notFound();
      const { Attributes, ...rest } = shape(u);
      return { ...rest, UserAttributes: Attributes };
    });
    mock.on(AdminCreateUserCommand).callsFake((input) => {
      this.calls.push({ command: 'AdminCreateUser', input });
      const pool = this.pool(input.UserPoolId);
      const email = input.UserAttributes?.find((a: AttributeType) => a.Name === 'email')?.Value ?? input.Username;
      if (this.find(pool.id, email)) throw new UsernameExistsException({ message: 'An account with the given email already exists.', ...meta });
      const attributes = Object.fromEntries((input.UserAttributes ?? []).map((a: AttributeType) => [a.Name!, a.Value!]));
      const user = this.addUser(pool.id, { ...attributes, email }, input.TemporaryPassword ?? `Temp-${randomUUID()}`, 'FORCE_CHANGE_PASSWORD');
      if (input.MessageAction !== 'SUPPRESS') pool.invitations.push(email);
      return { User: shape(user) };
    });
    mock.on(AdminDeleteUserCommand).callsFake((input) => {
      this.calls.push({ command: 'AdminDeleteUser', input });
      const pool = this.pool(input.UserPoolId);
      const u = this.find(pool.id, input.Username);
      if (!u) throw notFound();
      pool.users.delete(u.username);
      return {};
    });
    mock.on(AdminInitiateAuthCommand).callsFake((input) => {
      this.calls.push({ command: 'AdminInitiateAuth', input });
      const pool = this.pool(input.UserPoolId);
      const flows = pool.clients.get(input.ClientId);
      if (!flows) throw new InvalidParameterException({ message: 'Invalid client id', ...meta });
      if (input.AuthFlow !== 'ADMIN_USER_PASSWORD_AUTH' || !flows.includes('ALLOW_ADMIN_USER_PASSWORD_AUTH')) throw new InvalidParameterException({ message: 'Auth flow not enabled for this client', ...meta });
      const u = this.find(pool.id, input.AuthParameters?.USERNAME ?? '');
      if (!u) throw notFound();
      if (!u.enabled) throw new NotAuthorizedException({ message: 'User is disabled.', ...meta });
      if (u.password !== input.AuthParameters?.PASSWORD) throw new NotAuthorizedException({ message: 'Incorrect username or password.', ...meta });
      if (u.status === 'FORCE_CHANGE_PASSWORD') return { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 'session', ChallengeParameters: { USER_ID_FOR_SRP: u.username, requiredAttributes: '[]', userAttributes: '{}' } };
      return { AuthenticationResult: { AccessToken: 'access', IdToken: 'id', RefreshToken: 'refresh', ExpiresIn: 3600, TokenType: 'Bearer' }, ChallengeParameters: {} };
    });
    return client;
  }

  /**
   * A sign-in to `poolId` as Cognito runs it: a known user's password is checked; an unknown
   * user goes through the user migration trigger, is created from its answer, and then the
   * post authentication trigger runs. Resolves with the signed-in user; rejects as Cognito would.
   */
  async signIn(
    poolId: string,
    email: string,
    password: string,
    triggers: { userMigration: (e: UserMigrationTriggerEvent) => Promise<UserMigrationTriggerEvent>; postAuthentication: (e: PostAuthenticationTriggerEvent) => Promise<PostAuthenticationTriggerEvent> },
  ): Promise<FakeUser> {
    let user = this.find(poolId, email);
    if (user) {
      if (user.password !== password) throw new NotAuthorizedException({ message: 'Incorrect username or password.', ...meta });
    } else {
      const event = {
        version: '1',
        triggerSource: 'UserMigration_Authentication',
        region: 'eu-west-1',
        userPoolId: poolId,
        userName: email,
        callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'web' },
        request: { password },
        response: { userAttributes: {}, desiredDeliveryMediums: [] },
      } as unknown as UserMigrationTriggerEvent;
      let answer: UserMigrationTriggerEvent;
      try {
        answer = await triggers.userMigration(event);
      } catch {
        throw new UserNotFoundException({ message: 'Exception migrating user in app client', ...meta });
      }
      user = this.addUser(poolId, { ...answer.response.userAttributes }, password, answer.response.finalUserStatus ?? 'CONFIRMED');
    }
    await triggers.postAuthentication({
      version: '1',
      triggerSource: 'PostAuthentication_Authentication',
      region: 'eu-west-1',
      userPoolId: poolId,
      userName: user.username,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'web' },
      request: { userAttributes: { ...user.attributes }, newDeviceUsed: false },
      response: {},
    } as PostAuthenticationTriggerEvent);
    return user;
  }

  private pool(id: string): FakePool {
    const pool = this.pools.get(id);
    if (!pool) throw new Error(`no user pool ${id}`);
    return pool;
  }
}
