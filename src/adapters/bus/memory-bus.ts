// In-process bus: the single-node default. Delivery is synchronous so per-topic order equals publish order.

import type { Bus, StreamEvent } from "../../ports/bus.ts";

export function createMemoryBus(): Bus {
  const handlers = new Map<string, Set<(e: StreamEvent) => void>>();
  return {
    async publish(topic, event) {
      const set = handlers.get(topic);
      if (!set) return;
      for (const h of set) h(event);
    },
    async publishAll(topicList, events) {
      for (const topic of topicList) {
        const set = handlers.get(topic);
        if (set) for (const e of events) for (const h of set) h(e);
      }
    },
    subscribe(topic, handler) {
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => {
        set.delete(handler);
        if (set.size === 0) handlers.delete(topic);
      };
    },
    async close() {
      handlers.clear();
    },
  };
}
