import {
  type Metadata,
  ServerInterceptingCall,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  ServerListenerBuilder,
  type StatusObject,
} from '@grpc/grpc-js';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { Ingestor } from '../ingest/ingestor.js';
import { authenticateCall } from './metadata-auth.js';

/** What the admission step needs; `refuse` turns an error into the status to answer with. */
export interface AdmissionDeps {
  authenticator: Authenticator;
  ingestor: Pick<Ingestor, 'admit'>;
  refuse(err: unknown): Partial<StatusObject>;
}

/** The admission interceptor and the principals it let in, by their call's metadata. */
export interface Admission {
  readonly interceptor: ServerInterceptor;
  /** The principal admitted for the call whose request metadata is `metadata`. */
  principalOf(metadata: Metadata): Principal | undefined;
}

/**
 * Authenticates each call and checks the write path's admission from its metadata alone,
 * before grpc-js reads the message: grpc-js reads and inflates a whole message before the
 * handler runs, so without this an unauthenticated client could make the collector hold
 * `--max-body-bytes` per call, and a full write path would read messages only to refuse
 * them. (OTLP/HTTP gets the same order from its auth middleware and the route's admission
 * check, both before the body is read.) The handler finds the principal by the call's
 * metadata object, which grpc-js passes on unchanged.
 */
export function createAdmission(deps: AdmissionDeps): Admission {
  const principals = new WeakMap<Metadata, Principal>();
  const interceptor: ServerInterceptor = (_method, call: ServerInterceptingCallInterface) =>
    new ServerInterceptingCall(call, {
      start(next) {
        next(
          new ServerListenerBuilder()
            .withOnReceiveMetadata(function admit(metadata, pass) {
              authenticateCall(deps.authenticator, metadata, call.getPeer()).then(
                (principal) => {
                  const refusal = deps.ingestor.admit();
                  if (refusal) {
                    call.sendStatus(deps.refuse(refusal) as StatusObject);
                    return;
                  }
                  principals.set(metadata, principal);
                  pass(metadata);
                },
                (err: unknown) => call.sendStatus(deps.refuse(err) as StatusObject),
              );
            })
            .build(),
        );
      },
    });
  return { interceptor, principalOf: (metadata) => principals.get(metadata) };
}
