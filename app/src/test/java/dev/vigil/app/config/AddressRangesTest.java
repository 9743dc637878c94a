package dev.vigil.app.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressRangesTest
{
    @Test
    void emptyListHoldsNothing()
    {
        final AddressRanges ranges = AddressRanges.parse("  ");
        assertTrue(ranges.isEmpty());
        assertFalse(ranges.containsSource("127.0.0.1:40000"));
    }

    @Test
    void singleAddressesAndCidrBlocksMatchSourcesAsAeronNamesThem()
    {
        final AddressRanges ranges = AddressRanges.parse("127.0.0.2, 10.1.0.0/16 ,192.168.7.128/25, fd00::/8, ::1");

        assertTrue(ranges.containsSource("127.0.0.2:5000"));
        assertFalse(ranges.containsSource("127.0.0.1:5000"));
        assertTrue(ranges.containsSource("10.1.255.3:1"));
        assertFalse(ranges.containsSource("10.2.0.1:1"));
        assertTrue(ranges.containsSource("192.168.7.200:9"));
        assertFalse(ranges.containsSource("192.168.7.127:9"));
        assertTrue(ranges.containsSource("fd12:3456:0:0:0:0:0:1:7000"));
        assertTrue(ranges.containsSource("0:0:0:0:0:0:0:1%lo:7000"));
        assertTrue(ranges.containsSource("[::1]:7000"));
        assertFalse(ranges.containsSource("fe80:0:0:0:0:0:0:1:7000"));
    }

    @Test
    void zeroPrefixHoldsItsWholeFamilyOnly()
    {
        final AddressRanges ranges = AddressRanges.parse("0.0.0.0/0");
        assertTrue(ranges.containsSource("203.0.113.9:1"));
        assertFalse(ranges.containsSource("0:0:0:0:0:0:0:1:1"));
    }

    @Test
    void sourcesThatAreNoIpAddressAreOutsideEveryRange()
    {
        final AddressRanges ranges = AddressRanges.parse("0.0.0.0/0, ::/0");
        assertFalse(ranges.containsSource("aeron:ipc"));
        assertFalse(ranges.containsSource("localhost:40000"));
        assertFalse(ranges.containsSource(""));
    }

    @Test
    void badEntriesAreNamed()
    {
        assertEquals("'localhost' is not an IP address or CIDR block",
            assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("localhost")).getMessage());
        assertEquals("'10.0.0.0/33' has a prefix length outside [0, 32]",
            assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.0/33")).getMessage());
        assertEquals("'::1/129' has a prefix length outside [0, 128]",
            assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("::1/129")).getMessage());
        assertEquals("'256.0.0.1' is not an IP address or CIDR block",
            assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.1,256.0.0.1")).getMessage());
        assertEquals("'' is not an IP address or CIDR block",
            assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.1,")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("10.0.0.1/"));
        assertThrows(IllegalArgumentException.class, () -> AddressRanges.parse("1:2:3"));
    }
}
