package dev.vigil.app.live;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page answers requests that name it by address or as localhost, and refuses those naming another host: what a
 * DNS-rebinding page in the operator's browser would send.
 */
class HostCheckTest
{
    @Test
    void addressesAndLocalhostPassHostNamesDoNot()
    {
        for (final String host : new String[]{"127.0.0.1:8080", "127.0.0.1", "localhost:9", "LOCALHOST", "[::1]:80",
            "[::1]", "10.1.2.3:443"})
        {
            assertTrue(HostCheck.allowed(host), host);
        }
        for (final String host : new String[]{"evil.example:8080", "evil.example", "localhost.evil.example",
            "127.0.0.1.nip.io:80", "", "[::1]x"})
        {
            assertFalse(HostCheck.allowed(host), host);
        }
        assertFalse(HostCheck.allowed(null), "no Host header");
    }
}
