package dev.vigil.core.stage.egress;

import dev.vigil.codecs.LateEventDecoder;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.WindowResultDecoder;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WindowResultBufferTest
{
    private final CountersManager countersManager = new CountersManager(
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(4 * CountersReader.METADATA_LENGTH, 64)),
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(4 * CountersReader.COUNTER_LENGTH, 64)));
    private final AtomicCounter dropped = countersManager.newCounter("dropped");
    private final List<Long> publishedSeqs = new ArrayList<>();
    private int refuseAlerts;
    private final ReplySink sink = new CopyingReplySink()
    {
        @Override
        public boolean openSession(final int sessionId, final long clientId)
        {
            return true;
        }

        @Override
        public void closeSession(final int sessionId)
        {
        }

        @Override
        protected void send(final int sessionId, final DirectBuffer buffer, final int offset, final int length)
        {
        }

        @Override
        public int publishAlert(final DirectBuffer buffer, final int offset, final int length)
        {
            if (refuseAlerts > 0)
            {
                refuseAlerts--;
                return BACK_PRESSURED;
            }
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, offset);
            publishedSeqs.add(header.templateId() == LateEventDecoder.TEMPLATE_ID ?
                new LateEventDecoder().wrapAndApplyHeader(buffer, offset, header).engineSeq() :
                new WindowResultDecoder().wrapAndApplyHeader(buffer, offset, header).engineSeq());
            return SENT;
        }
    };

    @Test
    void everythingAnInputEmittedLeavesWithItEvenWhenTheBufferWraps()
    {
        final WindowResultBuffer buffer = new WindowResultBuffer(1024, dropped);
        for (long seq = 1; seq <= 100; seq++)
        {
            buffer.onWindowResult(seq, 1, 7, 0, 10, 1, 1, 1, 1, false);
            buffer.onWindowResult(seq, 1, 8, 0, 10, 1, 1, 1, 1, false);
            assertEquals(2, buffer.publishUpTo(seq, sink), "input " + seq);
        }
        assertEquals(200, publishedSeqs.size());
        assertEquals(0, dropped.get());
    }

    @Test
    void resultsOfLaterInputsWaitForTheirInput()
    {
        final WindowResultBuffer buffer = new WindowResultBuffer(1024, dropped);
        buffer.onWindowResult(5, 1, 7, 0, 10, 1, 1, 1, 1, false);
        buffer.onWindowResult(6, 1, 7, 10, 20, 1, 1, 1, 1, false);
        assertEquals(1, buffer.publishUpTo(5, sink));
        assertEquals(List.of(5L), publishedSeqs);
        assertEquals(1, buffer.publishUpTo(6, sink));
        assertEquals(List.of(5L, 6L), publishedSeqs);
    }

    @Test
    void asManyAsItsRoomSaysFitWhereverTheBufferWraps()
    {
        final WindowResultBuffer buffer = new WindowResultBuffer(4096, dropped);
        final int roomWhenEmpty = buffer.room();
        assertTrue(roomWhenEmpty > 30, () -> "room " + roomWhenEmpty);
        long seq = 0;
        for (int round = 0; round < 200; round++)
        {
            // Leave a different number behind each round, so the claims meet the buffer's end at every offset.
            for (int i = 0; buffer.room() > 0; i++)
            {
                seq++;
                if (i % 3 == 0)
                {
                    buffer.onLateEvent(seq, 1, 7, 5, 10);
                }
                else
                {
                    buffer.onWindowResult(seq, 1, 7, 0, 10, 1, 1, 1, 1, false);
                }
            }
            assertEquals(0, dropped.get(), "round " + round);
            buffer.publishUpTo(seq - round % 7, sink);
            assertFalse(buffer.isDrained() && round % 7 != 0);
        }
        buffer.publishUpTo(seq, sink);
        assertTrue(buffer.isDrained());
        assertEquals(roomWhenEmpty, buffer.room());
        assertEquals(seq, publishedSeqs.size());
    }

    @Test
    void aBackPressuredAlertStreamStopsPublishingWhereItWasMet()
    {
        final WindowResultBuffer buffer = new WindowResultBuffer(1024, dropped);
        for (long seq = 1; seq <= 4; seq++)
        {
            buffer.onWindowResult(seq, 1, 7, 0, 10, 1, 1, 1, 1, false);
        }
        refuseAlerts = 1;
        assertEquals(0, buffer.publishUpTo(3, sink));
        assertTrue(buffer.isBackPressured());
        assertEquals(List.of(), publishedSeqs);

        assertEquals(3, buffer.publishUpTo(3, sink));
        assertFalse(buffer.isBackPressured());
        assertFalse(buffer.isDrained(), "input 4 has not been answered");
        assertEquals(List.of(1L, 2L, 3L), publishedSeqs);

        refuseAlerts = 1;
        assertEquals(0, buffer.publishUpTo(4, sink));
        assertTrue(buffer.isBackPressured());
        assertEquals(1, buffer.publishUpTo(4, sink));
        assertTrue(buffer.isDrained());
        assertEquals(List.of(1L, 2L, 3L, 4L), publishedSeqs);
    }

    @Test
    void whatDoesNotFitIsCountedNotBlocked()
    {
        final WindowResultBuffer buffer = new WindowResultBuffer(1024, dropped);
        int emitted = 0;
        while (dropped.get() == 0)
        {
            buffer.onWindowResult(1, 1, emitted++, 0, 10, 1, 1, 1, 1, false);
        }
        assertEquals(emitted - 1, buffer.publishUpTo(1, sink));
        assertEquals(1, dropped.get());
    }
}
