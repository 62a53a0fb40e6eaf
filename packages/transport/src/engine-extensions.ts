import type { Role } from '@wskit/codec';
import type { Extension, ExtensionParams } from '@wskit/handshake';
import type { ConnectionExtension } from '@wskit/protocol';

/**
 * An extension that, once the handshake agreed it, makes each connection's hooks for the
 * `@wskit/protocol` engine: `@wskit/permessage-deflate`'s negotiator is one.
 */
export interface EngineExtensionFactory {
  /** The extension token, e.g. `permessage-deflate`; matched ASCII case-insensitively. */
  readonly name: string;
  /** The engine hooks of one connection, from the parameters the handshake agreed. */
  createExtension(agreed: ExtensionParams, role: Role): ConnectionExtension;
}

/**
 * The engine extensions for what the handshake agreed (`agreed`, in negotiation order), each made
 * by the factory of the same name (names compare case-insensitively), for `openWebSocket`'s
 * `extensions`. `undefined` when nothing was agreed. Throws what a factory throws (the caller then
 * aborts the transport).
 */
export function engineExtensions(
  factories: EngineExtensionFactory | readonly (EngineExtensionFactory | undefined)[] | undefined,
  agreed: readonly Extension[],
  role: Role,
): ConnectionExtension[] | undefined {
  // Most connections agree none: no arrays for them.
  if (agreed.length === 0) return undefined;
  const list = (Array.isArray(factories) ? factories : [factories]).filter(
    (factory): factory is EngineExtensionFactory => factory !== undefined,
  );
  if (list.length === 0 || agreed.length === 0) return undefined;
  const extensions: ConnectionExtension[] = [];
  for (const extension of agreed) {
    const name = extension.name.toLowerCase();
    const factory = list.find((candidate) => candidate.name.toLowerCase() === name);
    if (factory !== undefined) extensions.push(factory.createExtension(extension.params, role));
  }
  return extensions;
}
