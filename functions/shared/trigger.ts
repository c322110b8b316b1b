/**
 * Cognito passes the message of an error a trigger throws to the client that called it. The
 * triggers therefore throw only fixed messages: a refusal says that the request is refused, any
 * other failure that it failed; the reason and the detail (an STS AccessDenied naming accounts
 * and role ARNs, a malformed registry entry's values) go to the function's log only.
 */
import { describeError, type LogFields, type Logger } from './logger';

/** What a caller reads when a trigger refuses. */
export const REFUSED_MESSAGE = 'Request refused';
/** What a caller reads when a trigger fails for any other reason. */
export const FAILED_MESSAGE = 'Request could not be completed';

/** A deliberate refusal; `reason` and `fields` are logged, the caller gets REFUSED_MESSAGE. */
export class TriggerRefusal extends Error {
  constructor(
    readonly reason: string,
    readonly fields: LogFields = {},
  ) {
    super(reason);
    this.name = 'TriggerRefusal';
  }
}

/** Wraps a trigger so that nothing but REFUSED_MESSAGE or FAILED_MESSAGE reaches Cognito. */
export function guardTrigger<E extends { triggerSource: string; userName?: string }, R>(name: string, logger: Logger, handle: (event: E) => Promise<R>): (event: E) => Promise<R> {
  return async (event) => {
    try {
      return await handle(event);
    } catch (error) {
      const context = { trigger: name, triggerSource: event.triggerSource, userName: event.userName };
      if (error instanceof TriggerRefusal) {
        logger.warn('request refused', { ...context, reason: error.reason, ...error.fields });
        throw new Error(REFUSED_MESSAGE);
      }
      logger.error('trigger failed', { ...context, ...describeError(error) });
      throw new Error(FAILED_MESSAGE);
    }
  };
}
