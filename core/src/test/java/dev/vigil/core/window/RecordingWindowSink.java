package dev.vigil.core.window;

import java.util.ArrayList;
import java.util.List;

/**
 * Records what windows emit, one line each, in order.
 */
public final class RecordingWindowSink implements WindowSink
{
    public final List<String> lines = new ArrayList<>();

    public static String result(
        final long engineSeq, final int windowId, final long key, final long startNs, final long endNs,
        final long count, final long sum, final long min, final long max, final boolean update)
    {
        return "result seq=" + engineSeq + " window=" + windowId + " key=" + key + " [" + startNs + "," + endNs +
            ") count=" + count + " sum=" + sum + " min=" + min + " max=" + max + (update ? " update" : "");
    }

    static String late(
        final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
    {
        return "late seq=" + engineSeq + " window=" + windowId + " key=" + key + " t=" + eventTimeNs +
            " watermark=" + watermarkNs;
    }

    @Override
    public void onWindowResult(
        final long engineSeq, final int windowId, final long key, final long startNs, final long endNs,
        final long count, final long sum, final long min, final long max, final boolean update)
    {
        lines.add(result(engineSeq, windowId, key, startNs, endNs, count, sum, min, max, update));
    }

    @Override
    public void onLateEvent(
        final long engineSeq, final int windowId, final long key, final long eventTimeNs, final long watermarkNs)
    {
        lines.add(late(engineSeq, windowId, key, eventTimeNs, watermarkNs));
    }
}
