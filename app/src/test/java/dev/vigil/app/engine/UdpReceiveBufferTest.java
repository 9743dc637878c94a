package dev.vigil.app.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpReceiveBufferTest
{
    @Test
    void aSizeTheOsAllowsIsGrantedWhole()
    {
        // Every OS Vigil runs on allows 64 KiB (Linux's default limit is 208 KiB).
        final UdpReceiveBuffer buffer = UdpReceiveBuffer.probe(64 * 1024);
        assertEquals(64 * 1024, buffer.granted());
        assertEquals("", buffer.shortfall());
    }

    @Test
    void aSizeBeyondTheOsLimitIsGrantedAsFarAsASocketGetsAndSaysSo() throws IOException
    {
        final int requested = 1 << 30;
        final int osGrants;
        try (DatagramChannel socket = DatagramChannel.open())
        {
            socket.setOption(StandardSocketOptions.SO_RCVBUF, requested);
            osGrants = socket.getOption(StandardSocketOptions.SO_RCVBUF);
        }
        final UdpReceiveBuffer buffer = UdpReceiveBuffer.probe(requested);
        assertEquals(Math.min(requested, osGrants), buffer.granted());
        if (buffer.granted() < requested)
        {
            assertTrue(buffer.shortfall().contains("aeron.socket.rcvbuf " + (requested / 1024) + " KiB"),
                buffer.shortfall());
            assertTrue(buffer.shortfall().contains("net.core.rmem_max"), buffer.shortfall());
        }
    }
}
