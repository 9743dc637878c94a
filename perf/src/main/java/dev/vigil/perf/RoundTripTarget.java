package dev.vigil.perf;

import org.agrona.ErrorHandler;

/**
 * The far end of a round trip, seen from the client thread: something that takes numbered requests and answers each
 * one, reporting answers to the {@link OpenLoopRun} it was launched for. Driven by one thread only.
 */
interface RoundTripTarget extends AutoCloseable
{
    /**
     * Starts a target in a private Aeron directory.
     */
    @FunctionalInterface
    interface Launcher
    {
        /**
         * @param aeronDir     Aeron directory for the target's embedded media driver; deleted on close.
         * @param run          receives the answers.
         * @param errorHandler receives errors from the target's own threads.
         * @return a target ready to take requests.
         */
        RoundTripTarget launch(String aeronDir, OpenLoopRun run, ErrorHandler errorHandler);
    }

    /**
     * Try to send request {@code index} once.
     *
     * @param index request number, from 0, each sent once and in order.
     * @return a positive value when sent, otherwise Aeron's negative {@code Publication.offer} code.
     */
    long trySend(long index);

    /**
     * Deliver the answers that have arrived to the run.
     *
     * @return answers and other fragments read.
     */
    int poll();

    /**
     * @return one line on what the target counted itself (its drops, its engine's counters).
     */
    String describe();

    @Override
    void close();
}
