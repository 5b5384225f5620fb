// Prometheus metrics: one registry per server so tests and several in-process nodes do not collide.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: "tandem_http_request_duration_seconds",
      help: "HTTP request duration by route and status",
      labelNames: ["method", "route", "status"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    messages: new Counter({ name: "tandem_messages_total", help: "messages stored by author", labelNames: ["author"] as const, registers: [registry] }),
    escalations: new Counter({ name: "tandem_escalations_total", help: "conversations queued for people, by reason", labelNames: ["reason"] as const, registers: [registry] }),
    aiDropped: new Counter({ name: "tandem_ai_replies_dropped_total", help: "AI replies dropped because a person owned the conversation", registers: [registry] }),
    sockets: new Gauge({ name: "tandem_websockets_open", help: "open WebSocket streams", labelNames: ["kind"] as const, registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
