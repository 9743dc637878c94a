package dev.vigil.core.ring;

/**
 * What a ring slot carries, decided by ingress so that every later stage knows its job without decoding.
 */
public enum FrameKind
{
    /** Transaction, Order or Heartbeat: journaled, evaluated, answered. */
    EVENT,
    /** A client opens a session: egress creates its reply publication. */
    CONNECT,
    /** A client closes its session. */
    DISCONNECT,
    /** Ingress refused the frame; egress answers with a Reject where the sender is known. */
    REJECTED,
    /** Not a frame: the point in the input at which the rules stage snapshots its state. */
    SNAPSHOT
}
