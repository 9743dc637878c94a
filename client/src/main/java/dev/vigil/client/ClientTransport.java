package dev.vigil.client;

import org.agrona.DirectBuffer;

/**
 * How a {@link VigilClient} reaches the engine: its own session with one engine, or a session with a replicated
 * cluster of engines that follows the cluster's leader.
 */
interface ClientTransport extends AutoCloseable
{
    /**
     * What a transport hands to its client.
     */
    interface Replies
    {
        /**
         * A reply from the engine, from the source this client's session trusts.
         *
         * @param buffer holding the reply.
         * @param offset of the reply.
         * @param length of the reply.
         */
        void onReply(DirectBuffer buffer, int offset, int length);

        /**
         * The engine the requests went to was replaced by another that may not have them all: requests without an
         * answer must be sent again.
         */
        void onNewEngine();
    }

    /**
     * @param buffer holding one encoded request.
     * @param offset of the request.
     * @param length of the request.
     * @return positive when sent, else a negative {@link io.aeron.Publication#offer} code: nothing was sent.
     */
    long offer(DirectBuffer buffer, int offset, int length);

    /**
     * Hand what has arrived to the client.
     *
     * @param fragmentLimit most fragments to read.
     * @return fragments read.
     */
    int poll(int fragmentLimit);

    /**
     * @return true while requests can reach the engine.
     */
    boolean isConnected();

    /**
     * @return replies the transport dropped because they did not come from the source its session trusts.
     */
    default long foreignReplies()
    {
        return 0;
    }

    /**
     * @return true when the transport can move to another engine, so the client keeps what it sent until answered.
     */
    boolean failsOver();

    @Override
    void close();
}
