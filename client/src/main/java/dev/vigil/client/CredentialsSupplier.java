package dev.vigil.client;

/**
 * What a client proves itself with when it connects, in the shape of Aeron Cluster's credentials supplier: some
 * credentials sent with the {@code Connect}, and an answer to each {@code Challenge} the engine sends back. Which
 * scheme the engine expects depends on its authenticator; {@link HmacCredentials} answers the engine's default.
 */
public interface CredentialsSupplier
{
    /** For an engine that authenticates nobody: sends nothing, and cannot answer a challenge. */
    CredentialsSupplier NONE = new CredentialsSupplier()
    {
        @Override
        public byte[] encodedCredentials()
        {
            return new byte[0];
        }

        @Override
        public byte[] onChallenge(final long clientId, final byte[] encodedChallenge)
        {
            return new byte[0];
        }
    };

    /**
     * @return credentials to send in the {@code Connect}, at most 512 bytes; empty for a challenge-only scheme.
     */
    byte[] encodedCredentials();

    /**
     * @param clientId         the id this client connects as.
     * @param encodedChallenge what the engine sent.
     * @return the answer to send back, at most 512 bytes.
     */
    byte[] onChallenge(long clientId, byte[] encodedChallenge);
}
