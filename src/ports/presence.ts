// The presence heartbeat port: where nodes record which agents hold a live console socket, so a release decision
// made on one node accounts for sockets held by every other node.

export interface PresenceHeartbeats {
  /** Agents with a live socket on this node, seen now: inserted or refreshed, and marked connected. */
  touch(userIds: readonly string[], now: number): Promise<void>;
  /** Agents nobody has seen since `before` (connected but silent), or whose release stalled since `before`. */
  stale(before: number, limit: number): Promise<string[]>;
  /**
   * Takes the release of one stale agent: true for exactly one caller across the cluster, false when another node
   * took it or the agent was seen again meanwhile.
   */
  claimRelease(userId: string, before: number, now: number): Promise<boolean>;
  /** The release finished: nothing more to do until the agent connects again. */
  markReleased(userId: string, now: number): Promise<void>;
}
