package dev.vigil.app.engine;

import dev.vigil.app.config.AddressRanges;
import io.aeron.Image;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.logbuffer.Header;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Admits ingress fragments only from images whose source address lies in {@code ingress.allowed.sources}; others
 * are dropped before reassembly, before they take a ring slot, and without a reply: the sender is nobody the engine
 * talks to. Each dropped message is counted once.
 * <p>
 * An image's verdict is worked out on its first fragment and kept by the image's correlation id, which, unlike a
 * session id, no later image can reuse; it is forgotten when the image closes. Owned by the ingress thread.
 */
final class SourceAllowList
{
    private static final long UNKNOWN = -1;
    private static final long DENIED = 0;
    private static final long ALLOWED = 1;

    private final AddressRanges ranges;
    private final AtomicCounter droppedFrames;
    private final Long2LongHashMap verdictByImage = new Long2LongHashMap(UNKNOWN);

    /**
     * @param ranges        the addresses publishers may send from.
     * @param droppedFrames counts messages dropped because of their source.
     */
    SourceAllowList(final AddressRanges ranges, final AtomicCounter droppedFrames)
    {
        this.ranges = ranges;
        this.droppedFrames = droppedFrames;
    }

    /**
     * @param header of a fragment polled from the ingress subscription; its context is the image it came from.
     * @return true when the fragment's source may send to the engine.
     */
    boolean admits(final Header header)
    {
        final Image image = (Image)header.context();
        final long correlationId = image.correlationId();
        long verdict = verdictByImage.get(correlationId);
        if (verdict == UNKNOWN)
        {
            verdict = ranges.containsSource(image.sourceIdentity()) ? ALLOWED : DENIED;
            verdictByImage.put(correlationId, verdict);
        }
        if (verdict == ALLOWED)
        {
            return true;
        }
        if ((header.flags() & FrameDescriptor.BEGIN_FRAG_FLAG) != 0)
        {
            droppedFrames.incrementOrdered();
        }
        return false;
    }

    /**
     * @param image an ingress image that went away.
     */
    void onImageClosed(final Image image)
    {
        verdictByImage.remove(image.correlationId());
    }
}
