package dev.vigil.app.engine;

import dev.vigil.app.session.SessionGate;
import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.RulesUpdateDecoder;
import dev.vigil.codecs.SnapshotRequestDecoder;
import dev.vigil.core.stage.ingress.RingIngress;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Takes frames from the ingress subscription into the ring; {@code Connect}s and {@code ChallengeResponse}s go to
 * the session gate instead, which opens sessions in the ring once their clients are settled. Polls no more fragments
 * than the ring has free slots, so a full ring leaves data in Aeron's log buffers and flow control pushes back on the
 * publishers: nothing accepted is dropped. Fragmented messages are reassembled before they reach the ring, never
 * buffering more than a frame's maximum length per session; with an allow-list of source addresses, fragments from
 * other sources are dropped before reassembly. Also puts snapshot points into the input: periodically, and when an
 * admin command on the local admin channel asks for one; and rules updates from the admin channel, which are
 * journaled and applied in input order like any event.
 */
final class IngressAgent implements Agent
{
    private final Subscription subscription;
    private final RingIngress ringIngress;
    private final int fragmentLimit;
    private final FragmentHandler fragmentHandler;
    private final BoundedFragmentAssembler assembler;
    private final SourceAllowList allowList;
    private final SessionGate sessions;
    private final OneToOneConcurrentArrayQueue<Image> closedImages;
    private final SnapshotSchedule snapshots;
    private final Subscription adminSubscription;
    private final FragmentHandler adminHandler;
    private final MessageHeaderDecoder adminHeader = new MessageHeaderDecoder();
    private final ArrayDeque<byte[]> firstFrames = new ArrayDeque<>();
    private final UnsafeBuffer firstFrame = new UnsafeBuffer(new byte[0]);
    private boolean snapshotRequested;
    private volatile boolean stopRequested;
    private volatile boolean stopped;

    IngressAgent(
        final Subscription subscription,
        final RingIngress ringIngress,
        final int fragmentLimit,
        final int maxFrameLength,
        final OneToOneConcurrentArrayQueue<Image> closedImages,
        final SnapshotSchedule snapshots,
        final Subscription adminSubscription,
        final SourceAllowList allowList,
        final SessionGate sessions)
    {
        this.sessions = sessions;
        this.snapshots = snapshots;
        this.adminSubscription = adminSubscription;
        this.adminHandler = new FragmentAssembler(this::onAdminFragment);
        this.subscription = subscription;
        this.ringIngress = ringIngress;
        this.fragmentLimit = fragmentLimit;
        this.closedImages = closedImages;
        this.assembler = new BoundedFragmentAssembler(this::onFragment, maxFrameLength);
        this.allowList = allowList;
        // No allow-list: nothing to check per fragment.
        this.fragmentHandler = allowList == null ? assembler : this::onAllowListedFragment;
    }

    /**
     * Frames to put into the ring before any other input, e.g. a rules update that a start journals.
     *
     * @param frames RulesUpdate frames, in order.
     */
    void publishFirst(final List<byte[]> frames)
    {
        firstFrames.addAll(frames);
    }

    @Override
    public int doWork()
    {
        if (stopRequested)
        {
            stopped = true;
            return 0;
        }
        if (!firstFrames.isEmpty())
        {
            if (ringIngress.remainingCapacity() == 0)
            {
                return 0;
            }
            final byte[] frame = firstFrames.poll();
            firstFrame.wrap(frame);
            ringIngress.onRulesUpdateFrame(firstFrame, 0, frame.length);
            return 1;
        }

        int workCount = 0;
        if (!closedImages.isEmpty() && ringIngress.remainingCapacity() > 0)
        {
            final Image image = closedImages.poll();
            ringIngress.onSessionClosed(image.sessionId());
            sessions.onSessionClosed(image.sessionId());
            assembler.freeSession(image.sessionId());
            if (allowList != null)
            {
                allowList.onImageClosed(image);
            }
            workCount++;
        }

        if (ringIngress.remainingCapacity() > 0)
        {
            // An admin frame may be a rules update, which takes a ring slot.
            workCount += adminSubscription.poll(adminHandler, 1);
        }
        if ((snapshotRequested || snapshots.isDue(ringIngress.lastEngineSeq())) && ringIngress.remainingCapacity() > 0)
        {
            ringIngress.publishSnapshotPoint();
            snapshots.pointPublished(ringIngress.lastEngineSeq());
            snapshotRequested = false;
            workCount++;
        }

        // Handshakes move on here; one that opens a session takes a ring slot, so before the poll's limit is set.
        workCount += sessions.doWork();
        final int limit = Math.min(fragmentLimit, ringIngress.remainingCapacity());
        if (limit > 0)
        {
            workCount += subscription.poll(fragmentHandler, limit);
        }
        ringIngress.sampleOccupancy();
        return workCount;
    }

    /**
     * Stop taking input (a clean stop): what the ring holds is still handled; frames not yet polled stay in Aeron.
     */
    void stopIntake()
    {
        stopRequested = true;
    }

    /**
     * @return true once this agent has seen {@link #stopIntake()} and will put nothing more into the ring.
     */
    boolean isIntakeStopped()
    {
        return stopped;
    }

    @Override
    public String roleName()
    {
        return "vigil-ingress";
    }

    private void onAdminFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (length >= MessageHeaderDecoder.ENCODED_LENGTH)
        {
            adminHeader.wrap(buffer, offset);
            if (adminHeader.schemaId() == MessageHeaderDecoder.SCHEMA_ID &&
                adminHeader.templateId() == SnapshotRequestDecoder.TEMPLATE_ID)
            {
                snapshotRequested = true;
            }
            else if (adminHeader.templateId() == RulesUpdateDecoder.TEMPLATE_ID)
            {
                ringIngress.onRulesUpdateFrame(buffer, offset, length);
            }
        }
    }

    private void onAllowListedFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (allowList.admits(header))
        {
            assembler.onFragment(buffer, offset, length, header);
        }
    }

    private void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        if (!sessions.onFrame(buffer, offset, length, header))
        {
            ringIngress.onFrame(buffer, offset, length, header.sessionId());
        }
    }
}
