package dev.vigil.app.engine;

import dev.vigil.app.session.OpenedReplyPath;
import dev.vigil.core.stage.egress.ReplySink;
import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AeronReplySinkTest
{
    private static final int ALERTS_STREAM = 1003;
    private static final int ALERTS = 300;
    private static final int REPLY_STREAM = 1004;
    private static final int SESSION = 7;
    private static final int REPLY_LENGTH = 96;

    private MediaDriver driver;
    private Aeron aeron;

    @BeforeEach
    void start()
    {
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName("/dev/shm/vigil-reply-sink-test-" + UUID.randomUUID())
            .threadingMode(ThreadingMode.SHARED)
            .termBufferSparseFile(true)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(aeron, driver);
    }

    @Test
    void alertsThatMeetATermRotationAreStillPublished()
    {
        // Alerts of 1,000 bytes (1,032 framed) do not divide a 64 KiB term: every 64th offer meets the term's end,
        // which Aeron answers ADMIN_ACTION while it rotates.
        final String channel = "aeron:ipc?term-length=64k";
        final Subscription subscription = aeron.addSubscription(channel, ALERTS_STREAM);
        final Publication publication = aeron.addPublication(channel, ALERTS_STREAM);
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(new byte[64 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        final AtomicCounter backPressured = counters.newCounter("back pressured");
        final AeronReplySink sink = new AeronReplySink(
            aeron,
            publication,
            SystemNanoClock.INSTANCE,
            1_000_000_000L,
            new OneToOneConcurrentArrayQueue<OpenedReplyPath>(4),
            new IdleAgent(),
            backPressured,
            counters.newCounter("not delivered"));
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (!publication.isConnected())
        {
            assertTrue(System.nanoTime() < deadlineNs, "the alert publication did not connect");
            Thread.yield();
        }

        final UnsafeBuffer alert = new UnsafeBuffer(new byte[1_000]);
        final int[] received = new int[1];
        for (int i = 0; i < ALERTS; i++)
        {
            // Room for the alert first, so that nothing is back-pressured: only rotations can refuse an offer.
            while (publication.availableWindow() < 2L * alert.capacity())
            {
                assertTrue(System.nanoTime() < deadlineNs, "no room on the alert stream");
                subscription.poll((buffer, offset, length, header) -> received[0]++, 16);
            }
            alert.putInt(0, i);
            assertEquals(ReplySink.SENT, sink.publishAlert(alert, 0, alert.capacity()), "alert " + i);
        }
        while (received[0] < ALERTS)
        {
            assertTrue(System.nanoTime() < deadlineNs, "alerts not received: " + received[0]);
            subscription.poll((buffer, offset, length, header) -> received[0]++, 16);
        }
        assertEquals(ALERTS, received[0]);
        assertEquals(0, backPressured.get());
    }

    @Test
    void aReplyIsEncodedInTheRoomClaimedOnItsClientsPublicationAndAStalledClientIsClaimedOnceAReply()
    {
        final String channel = "aeron:ipc?term-length=64k";
        final Subscription subscription = aeron.addSubscription(channel, REPLY_STREAM);
        final ExclusivePublication replies = aeron.addExclusivePublication(channel, REPLY_STREAM);
        final OneToOneConcurrentArrayQueue<OpenedReplyPath> openedPaths = new OneToOneConcurrentArrayQueue<>(4);
        openedPaths.add(new OpenedReplyPath(SESSION, 42, replies));
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(new byte[64 * 1024]), new UnsafeBuffer(new byte[16 * 1024]));
        final AtomicCounter backPressured = counters.newCounter("back pressured");
        final AeronReplySink sink = new AeronReplySink(
            aeron,
            aeron.addPublication("aeron:ipc", ALERTS_STREAM),
            SystemNanoClock.INSTANCE,
            1_000_000L,
            openedPaths,
            new IdleAgent(),
            backPressured,
            counters.newCounter("not delivered"));
        final long deadlineNs = System.nanoTime() + 10_000_000_000L;
        while (!replies.isConnected())
        {
            assertTrue(System.nanoTime() < deadlineNs, "the reply publication did not connect");
            Thread.yield();
        }
        assertTrue(sink.openSession(SESSION, 42));
        assertEquals(ReplySink.NO_SESSION, sink.claim(SESSION + 1, REPLY_LENGTH));

        // The client reads nothing: replies fill its window until a claim runs out of retry time.
        int claimed = 0;
        while (claim(sink, claimed) == ReplySink.SENT)
        {
            claimed++;
            assertTrue(System.nanoTime() < deadlineNs, "the reply window never filled");
        }
        assertTrue(claimed > 0, "no reply claimed");
        assertEquals(1, backPressured.get());
        // Stalled: the next claim is tried once, without another wait.
        assertEquals(ReplySink.FAILED, claim(sink, claimed));
        assertEquals(1, backPressured.get());

        final List<Integer> received = new ArrayList<>();
        final FragmentHandler reader = (buffer, offset, length, header) ->
        {
            assertEquals(REPLY_LENGTH, length);
            received.add(buffer.getInt(offset));
            assertEquals(received.size() - 1, buffer.getInt(offset + REPLY_LENGTH - Integer.BYTES), "reply tail");
        };
        while (received.size() < claimed)
        {
            assertTrue(System.nanoTime() < deadlineNs, "replies not received: " + received.size());
            subscription.poll(reader, 16);
        }
        // The client reads again: once the driver has seen it, the session takes replies again, each tried once.
        while (claim(sink, claimed) != ReplySink.SENT)
        {
            assertTrue(System.nanoTime() < deadlineNs, "the session never took replies again");
            Thread.yield();
        }
        assertEquals(1, backPressured.get());
        while (received.size() <= claimed)
        {
            assertTrue(System.nanoTime() < deadlineNs, "the last reply was not received");
            subscription.poll(reader, 16);
        }
        for (int i = 0; i <= claimed; i++)
        {
            assertEquals(i, received.get(i), "reply " + i);
        }
    }

    /**
     * Claim a reply and fill it in place: its number at both ends, so a reply cut or moved shows.
     */
    private static int claim(final AeronReplySink sink, final int replyNumber)
    {
        final int result = sink.claim(SESSION, REPLY_LENGTH);
        if (result == ReplySink.SENT)
        {
            final MutableDirectBuffer buffer = sink.claimedBuffer();
            buffer.setMemory(sink.claimedOffset(), REPLY_LENGTH, (byte)0x5A);
            buffer.putInt(sink.claimedOffset(), replyNumber);
            buffer.putInt(sink.claimedOffset() + REPLY_LENGTH - Integer.BYTES, replyNumber);
            sink.commit();
        }
        return result;
    }

    private static final class IdleAgent implements Agent
    {
        @Override
        public int doWork()
        {
            return 0;
        }

        @Override
        public String roleName()
        {
            return "idle";
        }
    }
}
