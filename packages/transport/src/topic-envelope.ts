/**
 * What a topic's subscribers receive: the published data as it is, or wrapped with its offset and
 * the hub's notices (a gap, missed history), so that a client can resume where it stopped.
 */

/** Something a topic's subscriber is told: a message, or a notice. */
export type TopicEvent =
  | {
      /** A published message. */
      readonly kind: 'message';
      /** The topic it was published to. */
      readonly topic: string;
      /** Text as a string, binary as bytes. */
      readonly data: string | Uint8Array;
      /** Recoverable topics: the message's offset, to resume from. */
      readonly offset?: string | undefined;
    }
  | {
      /** Fast topic: messages published from `since` to `until` (epoch ms) may be lost (the broker was away). */
      readonly kind: 'gap';
      /** The fast topic concerned. */
      readonly topic: string;
      /** When the broker connection went down (epoch ms), if known. */
      readonly since?: number | undefined;
      /** When it came back (epoch ms), if known. */
      readonly until?: number | undefined;
    }
  | {
      /** Recoverable topic: the resume offset is older than the retention window; messages were missed. */
      readonly kind: 'missed';
      /** The recoverable topic concerned. */
      readonly topic: string;
    };

/**
 * Turns a {@link TopicEvent} into the message sent to each subscriber (once per event, whatever the
 * number of subscribers), or `undefined` to send nothing.
 */
export type TopicEnvelope = (event: TopicEvent) => string | Uint8Array | undefined;

const base64 = (bytes: Uint8Array): string => {
  let binary = '';
  for (let index = 0; index < bytes.length; index += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(index, index + 0x8000));
  }
  return btoa(binary);
};

/**
 * Every event as one JSON text message: `{"topic","data"}` (binary data as base64 in `binary`),
 * with `offset` on recoverable topics; `{"topic","gap":{"since","until"}}`; `{"topic","missed":true}`.
 */
export const jsonEnvelope: TopicEnvelope = (event) => {
  switch (event.kind) {
    case 'message': {
      const body: Record<string, unknown> = { topic: event.topic };
      if (typeof event.data === 'string') body.data = event.data;
      else body.binary = base64(event.data);
      if (event.offset !== undefined) body.offset = event.offset;
      return JSON.stringify(body);
    }
    case 'gap':
      return JSON.stringify({ topic: event.topic, gap: { since: event.since, until: event.until } });
    case 'missed':
      return JSON.stringify({ topic: event.topic, missed: true });
  }
};

/**
 * The default: a fast topic's message goes as it was published (like Bun's and uWebSockets'
 * topics) and gaps are only reported on the hub (its `gap` event); a recoverable topic's messages
 * and notices go as {@link jsonEnvelope} does, since a client needs the offsets to resume.
 */
export const defaultEnvelope: TopicEnvelope = (event) => {
  if (event.kind === 'message' && event.offset === undefined) return event.data;
  if (event.kind === 'gap') return undefined;
  return jsonEnvelope(event);
};
