package dev.vigil.app.cluster;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.UUID;

/**
 * The media driver a cluster client of Vigil's own tools brings with it (the demo's load, the admin command): one
 * shared thread that backs off when idle, as a host that also runs members has no core to spare for spinning.
 */
public final class ClusterClientDriver
{
    private ClusterClientDriver()
    {
    }

    /**
     * @param purpose names the driver's directory, e.g. {@code admin}; a random suffix keeps it apart from others.
     * @return a running driver, its directory deleted when it closes.
     */
    public static MediaDriver launch(final String purpose)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName("/dev/shm/vigil-cluster-" + purpose + "-" + UUID.randomUUID())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(1 << 20)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true));
    }
}
