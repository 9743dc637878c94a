package dev.vigil.core.ring;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RingSlotsTest
{
    private static final int RING_SIZE = 64;

    @Test
    void eachSlotOfARingKeepsItsOwnJournalStampThroughANewUse()
    {
        final RingBuffer<RingEvent> ring = RingBuffer.createSingleProducer(
            RingEvent.slotsOfRing(128, RING_SIZE), RING_SIZE, new YieldingWaitStrategy());
        for (int slot = 0; slot < RING_SIZE; slot++)
        {
            ring.get(slot).journalDone(1_000 + slot);
        }
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[32]);
        for (int slot = 0; slot < RING_SIZE; slot++)
        {
            final RingEvent event = ring.get(slot);
            assertEquals(1_000 + slot, event.journalDoneTimeNs(), "slot " + slot);
            // Ingress writes the slot's own fields, never a stamp: the journal stage stamps each slot it passes.
            event.resetForFrame(FrameKind.EVENT, frame, 0, frame.capacity(), 1, slot, 7);
            assertEquals(1_000 + slot, event.journalDoneTimeNs(), "slot " + slot + " after a new frame");
        }
        ring.get(5).journalDone(42);
        assertEquals(42, ring.get(5).journalDoneTimeNs());
        assertEquals(1_004, ring.get(4).journalDoneTimeNs());
        assertEquals(1_006, ring.get(6).journalDoneTimeNs());
    }
}
