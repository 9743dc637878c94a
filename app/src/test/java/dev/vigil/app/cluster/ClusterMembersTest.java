package dev.vigil.app.cluster;

import dev.vigil.app.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ClusterMembersTest
{
    @Test
    void basePortsAndExplicitPortsGiveAeronsMembersAndTheClientsEndpoints()
    {
        final ClusterMembers members = ClusterMembers.parse("members.txt", List.of(
            "# three hosts",
            "0 10.0.0.1 9000",
            "",
            "1 10.0.0.2 9000   # same ports, another host",
            "2 node-c.example 9100 9101 9102 9103 9110 9111"));

        assertEquals(3, members.size());
        assertArrayEquals(new int[]{9000, 9001, 9002, 9003, 9004, 9005}, members.member(0).ports());
        assertEquals("10.0.0.2:9002", members.member(1).endpoint(ClusterMembers.LOG));
        assertEquals("0,10.0.0.1:9000,10.0.0.1:9001,10.0.0.1:9002,10.0.0.1:9003,10.0.0.1:9004|" +
            "1,10.0.0.2:9000,10.0.0.2:9001,10.0.0.2:9002,10.0.0.2:9003,10.0.0.2:9004|" +
            "2,node-c.example:9100,node-c.example:9101,node-c.example:9102,node-c.example:9103,node-c.example:9110",
            members.clusterMembers());
        assertEquals("0=10.0.0.1:9000,1=10.0.0.2:9000,2=node-c.example:9100", members.ingressEndpoints());
        assertEquals("aeron:udp?control=node-c.example:9111|control-mode=dynamic", members.alertsChannel(2));
        assertEquals(List.of(
            "aeron:udp?endpoint=10.0.0.9:0|control=10.0.0.1:9005|control-mode=dynamic",
            "aeron:udp?endpoint=10.0.0.9:0|control=10.0.0.2:9005|control-mode=dynamic",
            "aeron:udp?endpoint=10.0.0.9:0|control=node-c.example:9111|control-mode=dynamic"),
            members.alertSubscriberChannels("10.0.0.9"));
        assertEquals(members.clusterMembers(), ClusterMembers.parse("again", members.toLines()).clusterMembers());
    }

    @Test
    void eachProblemNamesTheFileAndLine()
    {
        assertProblem("m:2: member id 2: expected 1 (ids run from 0 in order, one line each)",
            "0 localhost 9000", "2 localhost 9100");
        assertProblem("m:1: '0 localhost': expected '<id> <host> <base-port>' or " +
            "'<id> <host> <ingress> <consensus> <log> <catchup> <archive> <alerts>'", "0 localhost");
        assertProblem("m:1: base port '65533': allowed: a whole number from 1 to 65530", "0 localhost 65533");
        assertProblem("m:1: member id 'x': allowed: a whole number from 0 to 1000", "x localhost 9000");
        assertProblem("m:1: host 'a:b': expected a host name or IPv4 address", "0 a:b 9000");
        assertProblem("m:1: archive port '0': allowed: a whole number from 1 to 65535", "0 h 1 2 3 4 0 6");
        assertProblem("m:2: ingress endpoint localhost:9004 is already used at m:1 (archive)",
            "0 localhost 9000", "1 localhost 9004");
        assertProblem("m: no members (one '<id> <host> <base-port>' line per member)", "# nothing");
    }

    private static void assertProblem(final String message, final String... lines)
    {
        assertEquals(message, assertThrows(ConfigException.class,
            () -> ClusterMembers.parse("m", List.of(lines))).getMessage());
    }
}
