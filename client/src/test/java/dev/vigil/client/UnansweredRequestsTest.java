package dev.vigil.client;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnansweredRequestsTest
{
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[16]);

    @Test
    void unansweredRequestsAreResentInOrderAndAnsweredOnesAreNot()
    {
        final UnansweredRequests requests = new UnansweredRequests(8);
        for (long seq = 1; seq <= 5; seq++)
        {
            record(requests, seq);
        }
        assertTrue(requests.answered(2));
        assertTrue(requests.answered(4));
        assertFalse(requests.answered(4), "an answer heard twice");
        assertFalse(requests.answered(9), "an answer to nothing sent");
        assertEquals(3, requests.count());

        requests.resendAll();
        assertEquals(List.of(1L, 3L, 5L), resend(requests));
        assertFalse(requests.isResending());
    }

    @Test
    void sequencesSkippedByHeartbeatsNeverHoldTheWindow()
    {
        final UnansweredRequests requests = new UnansweredRequests(4);
        // Requests 1 and 3 around heartbeat 2, then 5 after heartbeat 4, and so on: more than the window holds.
        for (long seq = 1; seq <= 41; seq += 2)
        {
            assertFalse(requests.isFullFor(seq), "window full at " + seq);
            record(requests, seq);
            assertTrue(requests.answered(seq));
            assertTrue(requests.isEmpty(), "nothing waits after " + seq);
        }

        // Request 43 waits while heartbeats pass: the window fills with sequences, not requests.
        record(requests, 43);
        assertFalse(requests.isFullFor(45));
        assertTrue(requests.isFullFor(47), "43 still waits four sequences later");
        record(requests, 45);
        assertEquals(2, requests.count());
        requests.resendAll();
        assertEquals(List.of(43L, 45L), resend(requests));
        assertTrue(requests.answered(45));
        assertTrue(requests.answered(43));
        assertTrue(requests.isEmpty());
    }

    @Test
    void aRefusedResendIsTriedAgainFromWhereItStopped()
    {
        final UnansweredRequests requests = new UnansweredRequests(8);
        for (long seq = 1; seq <= 4; seq++)
        {
            record(requests, seq);
        }
        requests.resendAll();
        final List<Long> sent = new ArrayList<>();
        final int[] room = {2};
        final UnansweredRequests.FrameSender twoAtATime = (buffer, offset, length) ->
        {
            if (room[0] == 0)
            {
                return -1;
            }
            room[0]--;
            sent.add(buffer.getLong(offset));
            return 1;
        };
        assertEquals(2, requests.resend(twoAtATime));
        assertTrue(requests.isResending());
        room[0] = 2;
        assertEquals(2, requests.resend(twoAtATime));
        assertFalse(requests.isResending());
        assertEquals(List.of(1L, 2L, 3L, 4L), sent);
    }

    private void record(final UnansweredRequests requests, final long seq)
    {
        frame.putLong(0, seq);
        requests.record(seq, frame, 0, frame.capacity());
    }

    private static List<Long> resend(final UnansweredRequests requests)
    {
        final List<Long> sent = new ArrayList<>();
        requests.resend((final DirectBuffer buffer, final int offset, final int length) ->
        {
            sent.add(buffer.getLong(offset));
            return 1;
        });
        return sent;
    }
}
