package dev.vigil.client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A client's credentials as a cluster of engines takes them through Aeron Cluster's session handshake: the client id
 * (8 bytes, little-endian) followed by what a single engine's {@code Connect} carries, and to a challenge the
 * answer a single engine would get. The members' authenticator reads the id from the front, checks the rest as the
 * engine does, and binds the session to that id.
 */
final class ClusterCredentials implements io.aeron.security.CredentialsSupplier
{
    private final long clientId;
    private final CredentialsSupplier credentials;

    ClusterCredentials(final long clientId, final CredentialsSupplier credentials)
    {
        this.clientId = clientId;
        this.credentials = credentials;
    }

    @Override
    public byte[] encodedCredentials()
    {
        final byte[] engineCredentials = credentials.encodedCredentials();
        return ByteBuffer.allocate(Long.BYTES + engineCredentials.length)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(clientId)
            .put(engineCredentials)
            .array();
    }

    @Override
    public byte[] onChallenge(final byte[] encodedChallenge)
    {
        return credentials.onChallenge(clientId, encodedChallenge);
    }
}
