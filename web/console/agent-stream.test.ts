import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { AgentStreamEvent } from "../shared/wire.ts";
import { openAgentStream } from "./agent-stream.ts";

/** A WebSocket double the test drives from the "server" side. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
    FakeSocket.instances.push(this);
  }
  emit(event: unknown) {
    this.onmessage?.({ data: JSON.stringify(event) });
  }
  close() {}
}

beforeEach(() => {
  FakeSocket.instances = [];
  vi.stubGlobal("WebSocket", FakeSocket);
  vi.stubGlobal("location", { href: "http://tandem.test/console" });
  vi.stubGlobal("window", { addEventListener() {}, removeEventListener() {} });
});
afterEach(() => {
  vi.unstubAllGlobals();
});

it("ignores a customer's streamed AI draft and passes everything else on", () => {
  const events: AgentStreamEvent[] = [];
  const stop = openAgentStream({ onEvent: (e) => events.push(e), onConnected() {}, onState() {}, onUnauthorized() {} });
  const ws = FakeSocket.instances[0]!;
  ws.emit({ type: "hello", user: { id: "u1", displayName: "Alice", role: "agent" } });
  ws.emit({ type: "ai_delta", conversationId: "c1", streamId: "m1", text: "Standard delivery " });
  ws.emit({ type: "typing", conversationId: "c1", author: "ai" });
  ws.emit({ type: "ai_stream_end", conversationId: "c1", streamId: "m1" });
  ws.emit({ type: "sla", conversationId: "c1", level: "warning", metric: "first_response", dueAt: "2026-01-01T00:00:00Z" });
  expect(events.map((e) => e.type)).toEqual(["typing", "sla"]);
  stop();
});
