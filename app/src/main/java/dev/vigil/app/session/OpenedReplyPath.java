package dev.vigil.app.session;

import io.aeron.ExclusivePublication;

/**
 * A session's connected reply publication, handed from the session gate on the ingress thread to egress, which owns
 * it from then on. Handed over just before the session's open goes into the ring, so egress finds it when it gets
 * there.
 *
 * @param sessionId   transport session of the client's requests.
 * @param clientId    the client's id.
 * @param publication where its replies go; connected.
 */
public record OpenedReplyPath(int sessionId, long clientId, ExclusivePublication publication)
{
}
