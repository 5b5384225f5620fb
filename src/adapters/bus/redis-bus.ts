// Redis pub/sub bus for several nodes: every node publishes through Redis and hears its own events back, so all
// sockets see one order per topic. Pub/sub is fire-and-forget by design here: messages are durable in the
// database, and on reconnect subscribers get a local "resync" so sockets catch up from their last seq.

import { Redis } from "ioredis";
import type { Bus, StreamEvent } from "../../ports/bus.ts";

export interface RedisBusOptions {
  url: string;
  /** Channel prefix, so several Tandem deployments can share one Redis. */
  prefix?: string;
  onError?: (err: Error) => void;
}

export async function createRedisBus({ url, prefix = "tandem:", onError }: RedisBusOptions): Promise<Bus> {
  const common = { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true, retryStrategy: (n: number) => Math.min(50 * 2 ** n, 2000) };
  // Auto-pipelining: publishes issued in the same tick (a message's events, many conversations under load) go
  // out in one write, in call order.
  const pub = new Redis(url, { ...common, enableAutoPipelining: true });
  // The subscriber keeps an offline queue so SUBSCRIBE commands issued during an outage are replayed.
  const sub = new Redis(url, { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null });
  const handlers = new Map<string, Set<(e: StreamEvent) => void>>();
  const report = (err: Error) => onError?.(err);
  pub.on("error", report);
  sub.on("error", report);
  await Promise.all([pub.connect(), sub.connect()]);

  // Attached after the first connect, so "ready" here means a reconnect: ioredis resubscribes by itself, but what
  // was published meanwhile is lost, so subscribers are asked to catch up from storage.
  sub.on("ready", () => {
    for (const set of handlers.values()) for (const h of set) h({ type: "resync" });
  });

  sub.on("messageBuffer", (channel: Buffer, message: Buffer) => {
    const set = handlers.get(channel.toString().slice(prefix.length));
    if (!set) return;
    let payload: StreamEvent | StreamEvent[];
    try {
      payload = JSON.parse(message.toString()) as StreamEvent | StreamEvent[];
    } catch {
      return;
    }
    // A batch (publishAll) arrives as one array: one parse and one wake-up for a message's events.
    for (const event of Array.isArray(payload) ? payload : [payload]) for (const h of set) h(event);
  });

  async function send(topic: string, payload: string): Promise<void> {
    try {
      await pub.publish(prefix + topic, payload);
    } catch (err) {
      // Not fatal: the event is in the database and subscribers resync when Redis is back.
      report(err as Error);
    }
  }

  return {
    publish: (topic, event) => send(topic, JSON.stringify(event)),
    async publishAll(topicList, events) {
      if (events.length === 0) return;
      // Serialised once for every topic; the publishes are issued together and pipelined into one write.
      const payload = JSON.stringify(events.length === 1 ? events[0] : events);
      await Promise.all(topicList.map((topic) => send(topic, payload)));
    },
    subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) {
        handlers.set(topic, (set = new Set()));
        sub.subscribe(prefix + topic).catch(report);
      }
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(topic) === set) {
          handlers.delete(topic);
          sub.unsubscribe(prefix + topic).catch(report);
        }
      };
    },
    async close() {
      handlers.clear();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
