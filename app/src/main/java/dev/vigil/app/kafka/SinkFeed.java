package dev.vigil.app.kafka;

import org.agrona.DirectBuffer;

/**
 * Where the Kafka sink takes the engine's outputs from — alerts, window results and late events, each as its SBE
 * message — in the engine's order: by the engine sequence of the input that emitted them, and for one input in the
 * order the engine published them.
 */
public interface SinkFeed extends AutoCloseable
{
    /**
     * Receives each output.
     */
    @FunctionalInterface
    interface Handler
    {
        /**
         * @param engineSeq the engine sequence of the input that emitted the output.
         * @param buffer    holding the SBE message, header included; valid only during the call.
         * @param offset    where the message starts.
         * @param length    its length.
         */
        void onOutput(long engineSeq, DirectBuffer buffer, int offset, int length);
    }

    /**
     * @param handler receives the outputs.
     * @param limit   how much to read at most (messages or inputs, as the feed counts).
     * @return work done, 0 when nothing new was there.
     */
    int poll(Handler handler, int limit);

    /**
     * Start again from the first output, after a transaction that failed: the sink drops what it committed before.
     *
     * @return true when the feed can; a live stream cannot give back what it published.
     */
    boolean rewind();

    /**
     * @return what the feed is, for reports.
     */
    String describe();

    @Override
    void close();
}
