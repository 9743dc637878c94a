package dev.vigil.core.window;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.vigil.core.window.RecordingWindowSink.late;
import static dev.vigil.core.window.RecordingWindowSink.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Window edge cases of DESIGN §5, one by one, with exact expected output.
 */
class EventTimeWindowsTest
{
    private static final int ID = 7;
    private static final long ACCOUNT = 42;

    private final TestFrames frames = new TestFrames();
    private final TransactionDecoder txn = new TransactionDecoder();
    private final OrderDecoder order = new OrderDecoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final RecordingWindowSink out = new RecordingWindowSink();
    private EventTimeWindows windows;
    private long seq;

    private void use(final WindowSpec spec, final long outOfOrdernessNs, final long idleTimeoutNs)
    {
        windows = new EventTimeWindows(List.of(spec), new SourceWatermarks(outOfOrdernessNs, idleTimeoutNs, 4));
        windows.sink(out);
    }

    private long event(final long source, final long t, final long account, final long amount)
    {
        frames.transaction(source, ++seq, t, account, amount);
        txn.wrapAndApplyHeader(frames.buffer(), 0, header);
        windows.onTransaction(seq, txn);
        return seq;
    }

    private long heartbeat(final long source, final long t)
    {
        windows.onHeartbeat(++seq, source, t);
        return seq;
    }

    private static WindowSpec tumbling(final long size, final long lateness)
    {
        return WindowSpec.tumbling(ID, "t", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
            WindowInput.Value.AMOUNT, size, 0, lateness, 16, 64);
    }

    @Test
    void eventsOnBoundariesBelongToTheWindowTheyStartAndFireAtEndMinusOne()
    {
        use(tumbling(10, 0), 0, Long.MAX_VALUE);
        event(1, 0, ACCOUNT, 5);
        event(1, 9, ACCOUNT, 7);
        event(1, 9, ACCOUNT, 1);
        assertEquals(List.of(), out.lines, "watermark 8 = end - 2: nothing fires");

        final long boundary = event(1, 10, ACCOUNT, 100);
        assertEquals(List.of(result(boundary, ID, ACCOUNT, 0, 10, 3, 13, 1, 7, false)), out.lines,
            "the event at 10 moves the watermark to 9 = end - 1: [0,10) fires without it");

        final long next = heartbeat(1, 20);
        assertEquals(result(next, ID, ACCOUNT, 10, 20, 1, 100, 100, 100, false), out.lines.get(1));
    }

    @Test
    void lateEventWithinLatenessRefiresAndAfterPurgeGoesToTheLateOutput()
    {
        use(tumbling(10, 5), 0, Long.MAX_VALUE);
        event(1, 3, ACCOUNT, 10);
        heartbeat(1, 10);
        assertEquals(1, out.lines.size());

        final long withinLateness = event(1, 4, ACCOUNT, 20);
        assertEquals(result(withinLateness, ID, ACCOUNT, 0, 10, 2, 30, 10, 20, true), out.lines.get(1),
            "a late event within lateness fires the whole window again, as an update");

        heartbeat(1, 14);
        final long stillOpen = event(1, 5, ACCOUNT, 1);
        assertEquals(result(stillOpen, ID, ACCOUNT, 0, 10, 3, 31, 1, 20, true), out.lines.get(2),
            "watermark 13 = end - 1 + lateness - 1: the window still accepts");

        heartbeat(1, 15);
        final long tooLate = event(1, 6, ACCOUNT, 1);
        assertEquals(late(tooLate, ID, ACCOUNT, 6, 14), out.lines.get(3),
            "watermark 14 = end - 1 + lateness: purged, so the event is late");
        assertEquals(1, windows.lateEvents());
        assertEquals(0, windows.windows(0).keyCount(), "a purged key holds no state");
    }

    @Test
    void aLateEventNeverSeenBeforeInItsWindowFiresItAsANewResult()
    {
        use(tumbling(10, 20), 0, Long.MAX_VALUE);
        heartbeat(1, 15);
        final long late = event(1, 2, ACCOUNT, 9);
        assertEquals(List.of(result(late, ID, ACCOUNT, 0, 10, 1, 9, 9, 9, false)), out.lines);
    }

    @Test
    void slidingWindowsGiveEachEventToSizeOverSlideWindows()
    {
        use(WindowSpec.sliding(ID, "s", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT,
            30, 10, 0, 0, 16, 64), 0, Long.MAX_VALUE);
        event(1, 15, ACCOUNT, 4);
        final long second = event(1, 25, ACCOUNT, 6);
        final long end = heartbeat(1, 100);
        assertEquals(List.of(
            result(second, ID, ACCOUNT, -10, 20, 1, 4, 4, 4, false),
            result(end, ID, ACCOUNT, 0, 30, 2, 10, 4, 6, false),
            result(end, ID, ACCOUNT, 10, 40, 2, 10, 4, 6, false),
            result(end, ID, ACCOUNT, 20, 50, 1, 6, 6, 6, false)), out.lines);
    }

    @Test
    void windowsAlignToTheOffset()
    {
        use(WindowSpec.tumbling(ID, "o", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT,
            10, 3, 0, 16, 64), 0, Long.MAX_VALUE);
        event(1, 2, ACCOUNT, 1);
        final long second = event(1, 3, ACCOUNT, 2);
        final long end = heartbeat(1, 50);
        assertEquals(List.of(
            result(second, ID, ACCOUNT, -7, 3, 1, 1, 1, 1, false),
            result(end, ID, ACCOUNT, 3, 13, 1, 2, 2, 2, false)), out.lines);
    }

    @Test
    void sessionsThatTouchMergeAndALateEventBridgingTwoFiredSessionsUpdatesTheMerge()
    {
        use(WindowSpec.session(ID, "g", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT,
            10, 100, 16, 64), 0, Long.MAX_VALUE);
        event(1, 0, ACCOUNT, 1);
        event(1, 10, ACCOUNT, 2);
        final long third = event(1, 30, ACCOUNT, 3);
        final long fired = heartbeat(1, 60);
        assertEquals(List.of(
            result(third, ID, ACCOUNT, 0, 20, 2, 3, 1, 2, false),
            result(fired, ID, ACCOUNT, 30, 40, 1, 3, 3, 3, false)), out.lines,
            "[0,10) and [10,20) touch, so a gap of exactly the gap does not split the session");

        final long bridge = event(1, 20, ACCOUNT, 4);
        assertEquals(result(bridge, ID, ACCOUNT, 0, 40, 4, 10, 1, 4, true), out.lines.get(2),
            "the late event at 20 touches both sessions: one merged session, fired again as an update");
        assertEquals(1, windows.windows(0).windowsInUse());
    }

    @Test
    void anIdleSourceHoldsTheWatermarkUntilItsHeartbeat()
    {
        use(tumbling(10, 0), 0, Long.MAX_VALUE);
        event(1, 0, ACCOUNT, 1);
        event(2, 0, ACCOUNT + 1, 1);
        event(1, 50, ACCOUNT, 1);
        assertEquals(List.of(), out.lines, "source 2 is still at 0, so the watermark is -1");

        final long advanced = heartbeat(2, 50);
        assertEquals(List.of(
            result(advanced, ID, ACCOUNT, 0, 10, 1, 1, 1, 1, false),
            result(advanced, ID, ACCOUNT + 1, 0, 10, 1, 1, 1, 1, false)), out.lines);
    }

    @Test
    void aSourceSilentForLongerThanTheIdleTimeoutStopsHoldingTheWatermark()
    {
        use(tumbling(10, 0), 0, 100);
        event(1, 0, ACCOUNT, 1);
        event(2, 0, ACCOUNT, 1);
        event(1, 100, ACCOUNT, 1);
        assertEquals(List.of(), out.lines, "source 2 is exactly the timeout behind: still active");
        final long idle = event(1, 101, ACCOUNT, 1);
        assertEquals(List.of(result(idle, ID, ACCOUNT, 0, 10, 2, 2, 1, 1, false)), out.lines);
    }

    @Test
    void theOutOfOrdernessBoundDelaysTheWatermark()
    {
        use(tumbling(10, 0), 5, Long.MAX_VALUE);
        event(1, 1, ACCOUNT, 1);
        event(1, 14, ACCOUNT, 1);
        assertEquals(8, windows.watermark(), "14 - 5 - 1");
        assertEquals(List.of(), out.lines);
        final long reached = event(1, 15, ACCOUNT, 1);
        assertEquals(List.of(result(reached, ID, ACCOUNT, 0, 10, 1, 1, 1, 1, false)), out.lines);
    }

    @Test
    void ordersAggregateNotionalPerInstrument()
    {
        use(WindowSpec.tumbling(ID, "n", WindowInput.ORDERS, WindowInput.Key.INSTRUMENT, WindowInput.Value.NOTIONAL,
            10, 0, 0, 16, 64), 0, Long.MAX_VALUE);
        frames.order(1, ++seq, 1, ACCOUNT, 100, 3, Side.BUY, OrderType.LIMIT);
        order.wrapAndApplyHeader(frames.buffer(), 0, header);
        windows.onOrder(seq, order);
        final long end = heartbeat(1, 20);
        assertEquals(List.of(result(end, ID, TestFrames.INSTRUMENT_ID, 0, 10, 1, 300, 300, 300, false)), out.lines);
    }

    @Test
    void aFullStateCountsTheEventInsteadOfAggregatingIt()
    {
        windows = new EventTimeWindows(List.of(WindowSpec.tumbling(ID, "f", WindowInput.TRANSACTIONS,
            WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT, 10, 0, 0, 1, 64)),
            new SourceWatermarks(0, Long.MAX_VALUE, 4));
        windows.sink(out);
        event(1, 1, ACCOUNT, 1);
        event(1, 2, ACCOUNT + 1, 1);
        assertEquals(1, windows.stateFullEvents());
        final long end = heartbeat(1, 10);
        assertEquals(List.of(result(end, ID, ACCOUNT, 0, 10, 1, 1, 1, 1, false)), out.lines);

        event(1, 11, ACCOUNT + 1, 1);
        assertEquals(1, windows.stateFullEvents(), "the fired and purged key freed its slot");
    }

    @Test
    void reconfiguringKeepsUnchangedAggregationsAndStartsChangedOnesEmpty()
    {
        final WindowSpec kept = tumbling(10, 0);
        final WindowSpec changed = WindowSpec.tumbling(8, "c", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
            WindowInput.Value.AMOUNT, 10, 0, 0, 16, 64);
        windows = new EventTimeWindows(List.of(kept, changed), new SourceWatermarks(0, Long.MAX_VALUE, 4));
        windows.sink(out);
        event(1, 1, ACCOUNT, 5);

        final WindowSpec changedNow = WindowSpec.tumbling(8, "c", WindowInput.TRANSACTIONS, WindowInput.Key.ACCOUNT,
            WindowInput.Value.AMOUNT, 10, 0, 5, 16, 64);
        windows.reconfigure(List.of(changedNow, kept));
        final long end = heartbeat(1, 10);
        assertEquals(List.of(result(end, ID, ACCOUNT, 0, 10, 1, 5, 5, 5, false)), out.lines,
            "the unchanged aggregation kept its window; the changed one started empty");
        assertEquals(9, windows.watermark(), "the watermark goes on");
    }

    @Test
    void watermarksDoNotOverflowWithUnboundedIdleTimeoutsOrBounds()
    {
        final SourceWatermarks unbounded = new SourceWatermarks(0, Long.MAX_VALUE, 4);
        assertEquals(-1, unbounded.onEvent(1, 0));
        assertEquals(99, unbounded.onEvent(1, 100));
        final SourceWatermarks wideBound = new SourceWatermarks(Long.MAX_VALUE, 100, 4);
        assertEquals(SourceWatermarks.NO_WATERMARK, wideBound.onEvent(1, 0));
    }

    @Test
    void aYearOfLatenessKeepsWindowsOpenForLateEvents()
    {
        use(tumbling(10, WindowSpec.MAX_DURATION_NS), 0, Long.MAX_VALUE);
        event(1, 5, ACCOUNT, 1);
        heartbeat(1, 1_000_000);
        final long late = event(1, 6, ACCOUNT, 2);
        assertEquals(result(late, ID, ACCOUNT, 0, 10, 2, 3, 1, 2, true), out.lines.get(out.lines.size() - 1));
        assertEquals(0, windows.lateEvents());
    }

    @Test
    void specsAreValidated()
    {
        assertThrows(IllegalArgumentException.class, () -> WindowSpec.sliding(1, "x", WindowInput.TRANSACTIONS,
            WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT, 25, 10, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WindowSpec.tumbling(1, "x", WindowInput.ORDERS,
            WindowInput.Key.CARD, WindowInput.Value.QUANTITY, 10, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WindowSpec.tumbling(1, "x", WindowInput.TRANSACTIONS,
            WindowInput.Key.ACCOUNT, WindowInput.Value.NOTIONAL, 10, 0, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WindowSpec.tumbling(1, "x", WindowInput.TRANSACTIONS,
            WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT, 10, 10, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> WindowSpec.tumbling(1, "x", WindowInput.TRANSACTIONS,
            WindowInput.Key.ACCOUNT, WindowInput.Value.AMOUNT, 10, 0, Long.MAX_VALUE, 1, 1));
    }
}
