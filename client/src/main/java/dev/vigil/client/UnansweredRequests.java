package dev.vigil.client;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The requests a client has sent and not yet had answered, kept as their encoded frames so that they can be sent
 * again, unchanged, after the engine they went to is replaced (a new cluster leader). Client sequences are
 * consecutive, so the frames sit in a ring indexed by sequence: recording, answering and resending allocate nothing.
 * <p>
 * A request is answered by its Decision or Reject. Requests the engine never answers (heartbeats) are not recorded:
 * the sequences they took count as settled, so that they never hold the oldest unanswered request back.
 */
final class UnansweredRequests
{
    /** Room for one frame: a Transaction or an Order with its header, with space to spare. */
    static final int MAX_FRAME_LENGTH = 128;

    private final int mask;
    private final long[] sequences;
    private final int[] lengths;
    private final boolean[] answered;
    private final UnsafeBuffer frames;
    private long oldest = 1;
    private long newest;
    private long nextResend = Long.MAX_VALUE;

    /**
     * @param capacity requests kept at most, rounded up to a power of two.
     */
    UnansweredRequests(final int capacity)
    {
        final int slots = BitUtil.findNextPositivePowerOfTwo(capacity);
        this.mask = slots - 1;
        this.sequences = new long[slots];
        this.lengths = new int[slots];
        this.answered = new boolean[slots];
        this.frames = new UnsafeBuffer(BufferUtil.allocateDirectAligned(slots * MAX_FRAME_LENGTH, 64));
    }

    /**
     * @param clientSeq the sequence a request is about to be sent with.
     * @return true when it could not be recorded until the oldest unanswered request is answered.
     */
    boolean isFullFor(final long clientSeq)
    {
        return !isEmpty() && clientSeq - oldest > mask;
    }

    /**
     * @return true when every request recorded has been answered; cheap, unlike {@link #count()}.
     */
    boolean isEmpty()
    {
        return oldest > newest;
    }

    /**
     * @return requests recorded and not answered.
     */
    int count()
    {
        int count = 0;
        for (long seq = oldest; seq <= newest; seq++)
        {
            if (!answered[slot(seq)])
            {
                count++;
            }
        }
        return count;
    }

    /**
     * Keep the frame of a request just sent; must be called in sequence order, when not {@link #isFullFor}.
     * Sequences skipped since the last one recorded (heartbeats) are settled.
     *
     * @param clientSeq the request's sequence, after every one recorded so far.
     * @param buffer    holding the frame.
     * @param offset    of the frame.
     * @param length    of the frame, at most {@link #MAX_FRAME_LENGTH}.
     */
    void record(final long clientSeq, final DirectBuffer buffer, final int offset, final int length)
    {
        if (isEmpty())
        {
            // Nothing waits: the sequences skipped since need no slots.
            oldest = clientSeq;
        }
        else
        {
            for (long skipped = newest + 1; skipped < clientSeq; skipped++)
            {
                sequences[slot(skipped)] = skipped;
                answered[slot(skipped)] = true;
            }
        }
        final int slot = slot(clientSeq);
        frames.putBytes(slot * MAX_FRAME_LENGTH, buffer, offset, length);
        sequences[slot] = clientSeq;
        lengths[slot] = length;
        answered[slot] = false;
        newest = clientSeq;
        while (oldest < newest && answered[slot(oldest)] && sequences[slot(oldest)] == oldest)
        {
            oldest++;
        }
    }

    /**
     * A request was answered: its frame is let go.
     *
     * @param clientSeq the sequence the Decision or Reject names.
     * @return true when it was waiting for an answer; false for one not recorded or answered before.
     */
    boolean answered(final long clientSeq)
    {
        if (clientSeq < oldest || clientSeq > newest || answered[slot(clientSeq)] ||
            sequences[slot(clientSeq)] != clientSeq)
        {
            return false;
        }
        answered[slot(clientSeq)] = true;
        while (oldest <= newest && answered[slot(oldest)])
        {
            oldest++;
        }
        return true;
    }

    /**
     * Start sending every unanswered request again, oldest first: the engine they went to is gone and its successor
     * may not have them.
     */
    void resendAll()
    {
        nextResend = oldest;
    }

    /**
     * @return true while requests wait to be sent again.
     */
    boolean isResending()
    {
        return nextResend <= newest;
    }

    /**
     * Send what waits to be sent again, oldest first, until the sender refuses one; the rest go on the next call.
     *
     * @param sender offers one frame.
     * @return requests sent again.
     */
    int resend(final FrameSender sender)
    {
        int sent = 0;
        while (nextResend <= newest)
        {
            final int slot = slot(nextResend);
            if (!answered[slot] && sequences[slot] == nextResend)
            {
                if (sender.offer(frames, slot * MAX_FRAME_LENGTH, lengths[slot]) < 0)
                {
                    return sent;
                }
                sent++;
            }
            nextResend++;
        }
        nextResend = Long.MAX_VALUE;
        return sent;
    }

    private int slot(final long clientSeq)
    {
        return (int)clientSeq & mask;
    }

    /**
     * Where a frame goes.
     */
    @FunctionalInterface
    interface FrameSender
    {
        /**
         * @param buffer holding the frame.
         * @param offset of the frame.
         * @param length of the frame.
         * @return positive when sent, negative when refused (try again later).
         */
        long offer(DirectBuffer buffer, int offset, int length);
    }
}
