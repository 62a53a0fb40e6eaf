/** Counts the room's messages and bytes, in and out, and the rate over the last second. */
export class TrafficMeter {
  messagesIn = 0;
  messagesOut = 0;
  bytesIn = 0;
  bytesOut = 0;
  #messagesAtLastTick = 0;
  #messagesPerSecond = 0;

  /** A message received, `bytes` long (text as UTF-8). */
  received(bytes: number): void {
    this.messagesIn++;
    this.bytesIn += bytes;
  }

  /** A message sent, `bytes` long. */
  sent(bytes: number): void {
    this.messagesOut++;
    this.bytesOut += bytes;
  }

  /** Closes a one-second window: call it once a second. Returns the messages counted in it. */
  tick(): number {
    const total = this.messagesIn + this.messagesOut;
    this.#messagesPerSecond = total - this.#messagesAtLastTick;
    this.#messagesAtLastTick = total;
    return this.#messagesPerSecond;
  }

  /** Messages received and sent during the last closed window. */
  get messagesPerSecond(): number {
    return this.#messagesPerSecond;
  }
}
