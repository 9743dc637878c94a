package dev.vigil.app.cluster;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.cluster.client.ClusterException;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.vigil.app.cluster.ClusterTestSupport.await;
import static dev.vigil.app.cluster.ClusterTestSupport.deadlineAfterSeconds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot file through a real Aeron publication and image, as the cluster's snapshot publication carries it: the
 * same bytes come out, and a stream that is not whole is refused rather than loaded.
 */
class ClusterSnapshotStreamTest
{
    private static final String CHANNEL = "aeron:ipc?term-length=1m";
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);

    @TempDir
    Path dir;

    private MediaDriver driver;
    private Aeron aeron;

    @BeforeEach
    void start()
    {
        driver = MediaDriver.launchEmbedded(new MediaDriver.Context()
            .aeronDirectoryName("/dev/shm/vigil-snapshot-stream-test-" + UUID.randomUUID())
            .threadingMode(ThreadingMode.SHARED)
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
    void fileComesOutAsItWentIn() throws IOException
    {
        final byte[] bytes = new byte[300_000];
        new Random(3).nextBytes(bytes);
        final Path in = Files.write(dir.resolve("in.snap"), bytes);
        final Path out = dir.resolve("out.snap");
        try (ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, 1);
            Subscription subscription = aeron.addSubscription(CHANNEL, 1))
        {
            final Image image = awaitImage(publication, subscription);
            assertTrue(publication.maxPayloadLength() < bytes.length / 100, "the file takes many messages");
            ClusterSnapshotStream.offer(in, 42, publication, new BackoffIdleStrategy());
            assertEquals(42, ClusterSnapshotStream.read(image, out, new BackoffIdleStrategy(), TIMEOUT_NS));
        }
        assertArrayEquals(bytes, Files.readAllBytes(out));
    }

    @Test
    void streamWhoseBytesDoNotMatchItsChecksumIsRefused()
    {
        try (ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, 2);
            Subscription subscription = aeron.addSubscription(CHANNEL, 2))
        {
            final Image image = awaitImage(publication, subscription);
            offer(publication, header(4, 0x1234_5678));
            offer(publication, new UnsafeBuffer(new byte[] {1, 2, 3, 4}));
            final ClusterException ex = assertThrows(ClusterException.class, () -> ClusterSnapshotStream.read(
                image, dir.resolve("out.snap"), new BackoffIdleStrategy(), TIMEOUT_NS));
            assertTrue(ex.getMessage().contains("checksum"), ex.getMessage());
        }
    }

    @Test
    void streamThatEndsEarlyIsRefused()
    {
        try (Subscription subscription = aeron.addSubscription(CHANNEL, 3))
        {
            final Image image;
            try (ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, 3))
            {
                image = awaitImage(publication, subscription);
                offer(publication, header(1_000, 0));
                offer(publication, new UnsafeBuffer(new byte[10]));
            }
            final ClusterException ex = assertThrows(ClusterException.class, () -> ClusterSnapshotStream.read(
                image, dir.resolve("out.snap"), new BackoffIdleStrategy(), TIMEOUT_NS));
            assertTrue(ex.getMessage().contains("ended after 10 of 1000 bytes"), ex.getMessage());
        }
    }

    @Test
    void streamThatIsNotASnapshotIsRefused()
    {
        try (ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, 4);
            Subscription subscription = aeron.addSubscription(CHANNEL, 4))
        {
            final Image image = awaitImage(publication, subscription);
            offer(publication, new UnsafeBuffer(new byte[ClusterSnapshotStream.HEADER_LENGTH]));
            final ClusterException ex = assertThrows(ClusterException.class, () -> ClusterSnapshotStream.read(
                image, dir.resolve("out.snap"), new BackoffIdleStrategy(), TIMEOUT_NS));
            assertTrue(ex.getMessage().contains("not a Vigil cluster snapshot"), ex.getMessage());
        }
    }

    private static Image awaitImage(final ExclusivePublication publication, final Subscription subscription)
    {
        await(() -> publication.isConnected() && subscription.imageCount() == 1, deadlineAfterSeconds(10),
            "the image");
        return subscription.imageAtIndex(0);
    }

    /**
     * The stream's first message, as its format documents it.
     */
    private static UnsafeBuffer header(final long length, final int crc)
    {
        final UnsafeBuffer header = new UnsafeBuffer(new byte[ClusterSnapshotStream.HEADER_LENGTH]);
        header.putInt(0, ClusterSnapshotStream.MAGIC, ByteOrder.LITTLE_ENDIAN);
        header.putInt(4, ClusterSnapshotStream.VERSION, ByteOrder.LITTLE_ENDIAN);
        header.putLong(8, 7, ByteOrder.LITTLE_ENDIAN);
        header.putLong(16, length, ByteOrder.LITTLE_ENDIAN);
        header.putInt(24, crc, ByteOrder.LITTLE_ENDIAN);
        return header;
    }

    private static void offer(final ExclusivePublication publication, final UnsafeBuffer message)
    {
        await(() -> publication.offer(message, 0, message.capacity()) > 0, deadlineAfterSeconds(10), "an offer");
    }
}
