package dev.vigil.core.window;

/**
 * Receives what windowed aggregations emit. Called on the rules thread; implementations must not allocate or block
 * on the live path. A sink that can fill says how much it can take ({@link #room()}), and the windows emit no more
 * than that at a time: the rest of a firing waits in their state until the sink has room again.
 */
public interface WindowSink
{
    /** Emits nothing. */
    WindowSink NONE = new WindowSink()
    {
        @Override
        public void onWindowResult(
            final long engineSeq, final int windowId, final long key, final long startNs, final long endNs,
            final long count, final long sum, final long min, final long max, final boolean update)
        {
        }

        @Override
        public void onLateEvent(
            final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
        {
        }
    };

    /**
     * One window of one key fired: the watermark reached {@code endNs - 1}, or a late event changed a window that
     * had already fired.
     *
     * @param engineSeq the input whose arrival caused the emission.
     * @param windowId  the aggregation's id.
     * @param key       the key's value.
     * @param startNs   window start, inclusive.
     * @param endNs     window end, exclusive.
     * @param count     events in the window.
     * @param sum       sum of the aggregated field, saturating.
     * @param min       smallest value.
     * @param max       largest value.
     * @param update    true when this result replaces one emitted before for the same key and window (or, for
     *                  sessions, for windows merged into it).
     */
    void onWindowResult(
        long engineSeq, int windowId, long key, long startNs, long endNs, long count, long sum, long min, long max,
        boolean update);

    /**
     * An event no window accepts any more: all of its windows are past the allowed lateness.
     *
     * @param engineSeq   the late input.
     * @param windowId    the aggregation that refused it.
     * @param key         the key's value.
     * @param eventTimeNs the event's time.
     * @param watermarkNs the watermark it was judged against.
     */
    void onLateEvent(long engineSeq, int windowId, long key, long eventTimeNs, long watermarkNs);

    /**
     * @return how many more results and late events the sink can take now without losing any; a sink that never
     * fills (the default) takes any number.
     */
    default int room()
    {
        return Integer.MAX_VALUE;
    }

    /**
     * @return true when everything emitted into the sink so far has been taken from it; always for a sink that
     * hands everything on at once (the default).
     */
    default boolean isDrained()
    {
        return true;
    }
}
