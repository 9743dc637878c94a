package dev.vigil.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster commands' usage errors: exit 2 with a message naming what and where, before anything starts.
 */
class ClusterCommandTest extends CommandLineTest
{
    @TempDir
    Path dir;

    @Test
    void everyClusterCommandHasHelp()
    {
        assertEquals(0, VigilMain.execute("cluster", "--help"));
        assertEquals(0, VigilMain.execute("cluster", "run", "--help"));
        assertEquals(0, VigilMain.execute("cluster", "demo", "--help"));
        assertTrue(output().contains("--kill-after"), output());
    }

    @Test
    void runWithoutMembersFileOrMemberIdSaysWhatToGive()
    {
        assertEquals(2, VigilMain.execute("cluster", "run", "--member", "0"));
        assertTrue(errors().contains("vigil cluster run: no members file: give --members FILE (or the setting " +
            "cluster.members.file)"), errors());

        assertEquals(2, VigilMain.execute("cluster", "run", "--members", dir.resolve("m.txt").toString()));
        assertTrue(errors().contains("no member id: give --member N (or the setting cluster.member.id)"), errors());
    }

    @Test
    void badMembersFileNamesTheLine() throws IOException
    {
        final Path members = dir.resolve("members.txt");
        Files.writeString(members, "0 localhost 9000\n1 localhost 9002\n");

        assertEquals(2, VigilMain.execute("cluster", "run", "--member", "0", "--members", members.toString(),
            "--data-dir", dir.resolve("data").toString()));
        assertTrue(errors().contains(members + ":2: ingress endpoint localhost:9002 is already used at " + members +
            ":1 (log)"), errors());
        assertTrue(Files.notExists(dir.resolve("data")), "nothing started");

        assertEquals(2, VigilMain.execute("cluster", "run", "--member", "0", "--members",
            dir.resolve("missing.txt").toString()));
        assertTrue(errors().contains("members file " + dir.resolve("missing.txt") + ": not found"), errors());
    }

    @Test
    void memberIdOutsideTheFileAndBadSettingsAreUsageErrors() throws IOException
    {
        final Path members = dir.resolve("members.txt");
        Files.writeString(members, "0 localhost 9000\n1 localhost 9100\n2 localhost 9200\n");

        assertEquals(2, VigilMain.execute("cluster", "run", "--member", "3", "--members", members.toString()));
        assertTrue(errors().contains("--member 3: " + members + " has members 0 to 2"), errors());

        assertEquals(2, VigilMain.execute("cluster", "run", "--member", "0", "--members", members.toString(),
            "--set", "cluster.leader.heartbeat.timeout=1ms"));
        assertTrue(errors().contains("cluster.leader.heartbeat.timeout"), errors());

        assertEquals(2, VigilMain.execute("cluster", "run", "--member", "0", "--members", members.toString(),
            "--data-dir", dir.resolve("data").toString(), "--set", "cluster.archive.segment.size=65536"));
        assertTrue(errors().contains("setting 'cluster.archive.segment.size' has value '65536'; allowed: at least " +
            "cluster.log.term.length (1048576)"), errors());
    }

    @Test
    void demoOptionsAreChecked()
    {
        assertEquals(2, VigilMain.execute("cluster", "demo", "--duration", "2s", "--kill-after", "3s"));
        assertTrue(errors().contains("--kill-after 3s: allowed: less than --duration 2s"), errors());
        assertEquals(2, VigilMain.execute("cluster", "demo", "--rate", "0"));
        assertTrue(errors().contains("--rate 0: allowed: 1 to 100000 requests per second"), errors());
    }
}
