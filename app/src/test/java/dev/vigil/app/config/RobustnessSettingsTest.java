package dev.vigil.app.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RobustnessSettingsTest
{
    @Test
    void allowedSourcesDefaultToEveryoneAndKeepWhatWasWritten()
    {
        assertEquals("", VigilConfig.defaults().get(Settings.INGRESS_ALLOWED_SOURCES));
        assertEquals("127.0.0.1, 10.0.0.0/8",
            VigilConfig.builder().override("ingress.allowed.sources= 127.0.0.1, 10.0.0.0/8 ").build()
                .get(Settings.INGRESS_ALLOWED_SOURCES));
    }

    @Test
    void badAllowedSourceIsRefusedNamingTheEntry()
    {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> VigilConfig.builder().override("ingress.allowed.sources=127.0.0.1,gateway-host"));
        assertEquals("--set: setting 'ingress.allowed.sources' has value '127.0.0.1,gateway-host': 'gateway-host' " +
            "is not an IP address or CIDR block; allowed: comma-separated IP addresses or CIDR blocks like " +
            "10.0.0.0/8, 192.168.1.7, fd00::/8, or nothing", ex.getMessage());
    }

    @Test
    void adminChannelMustBeIpc()
    {
        VigilConfig.builder().override("admin.channel=aeron:ipc?term-length=64k").build();

        final ConfigException ex = assertThrows(ConfigException.class,
            () -> VigilConfig.builder().override("admin.channel=aeron:udp?endpoint=0.0.0.0:40125").build());
        assertEquals("--set: setting 'admin.channel' has value 'aeron:udp?endpoint=0.0.0.0:40125'; allowed: an " +
            "aeron:ipc channel, so that only processes on the engine's host can send admin commands", ex.getMessage());

        assertThrows(ConfigException.class,
            () -> VigilConfig.builder().override("admin.channel=aeron:ipcx").build());
    }
}
