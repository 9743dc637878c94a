package dev.vigil.app.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpReceiveBufferTest
{
    @Test
    void aSizeEveryOsAllowsIsGrantedWholeAndSilently()
    {
        // Linux's default limit is 208 KiB.
        final UdpReceiveBuffer buffer = UdpReceiveBuffer.probe(UdpReceiveBuffer.LEAST);
        assertEquals(UdpReceiveBuffer.LEAST, buffer.granted());
        assertEquals("", buffer.shortfall());
    }

    @Test
    void aSizeBeyondTheOsLimitIsCutToItAndSaysSo()
    {
        // No OS lets a socket have a GiB by default.
        final int requested = 1 << 30;
        final UdpReceiveBuffer buffer = UdpReceiveBuffer.probe(requested);
        assertTrue(buffer.granted() >= UdpReceiveBuffer.LEAST && buffer.granted() < requested,
            () -> "granted " + buffer.granted());
        assertEquals("UDP receive buffer " + buffer.granted() / 1024 + " KiB of aeron.socket.rcvbuf " +
            requested / 1024 + " KiB: the OS allows no more (net.core.rmem_max on Linux); raise that limit for " +
            "dozens of clients", buffer.shortfall());
    }
}
