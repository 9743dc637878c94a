package dev.vigil.app.cluster;

import dev.vigil.app.cli.VigilMain;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesUpdateFrames;
import dev.vigil.codecs.RulesUpdateOutcome;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.TestFrames;
import dev.vigil.core.counters.EngineCounter;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.app.cluster.ClusterTestSupport.CLIENT_ID;
import static dev.vigil.app.cluster.ClusterTestSupport.START_NS;
import static dev.vigil.app.cluster.ClusterTestSupport.await;
import static dev.vigil.app.cluster.ClusterTestSupport.awaitLeader;
import static dev.vigil.app.cluster.ClusterTestSupport.awaitStateHash;
import static dev.vigil.app.cluster.ClusterTestSupport.deadlineAfterSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rules reloads through a cluster's log: the admin client's update switches every member at the same input, and
 * the next request is decided by the new rules; another client's update, or an invalid one, changes nothing.
 */
class ClusterRulesReloadTest
{
    private static final long ADMIN_ID = 99;
    private static final String RULES = String.join("\n",
        "rules:",
        "  - id: 0",
        "    name: amount-threshold",
        "    type: amount-threshold",
        "    parameters:",
        "      max-amount: %d",
        "    action: decline",
        "");

    private final List<TestClusterMember> members = new ArrayList<>();
    private final TestFrames frames = new TestFrames();

    @AfterEach
    void stop()
    {
        CloseHelper.closeAll(members);
    }

    @Test
    void theAdminsUpdateSwitchesEveryMemberAndOthersChangeNothing(@TempDir final Path dir) throws IOException
    {
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), String.format(RULES, 1_000_000));
        final VigilConfig config = VigilConfig.defaults()
            .with("rules.file", rules.toString())
            .with("cluster.admin.client.id", Long.toString(ADMIN_ID));
        final int[] ports = TestClusterMember.freePorts(3);
        for (int id = 0; id < 3; id++)
        {
            members.add(TestClusterMember.start(id, ports, dir.resolve("member-" + id), config, true));
        }
        awaitLeader(members, deadlineAfterSeconds(20));
        final String endpoints = TestClusterMember.ingressEndpoints(ports);
        final int maxUpdateLength = VigilClusteredService.maxRulesUpdateLength(config);

        try (TestClusterClient client = TestClusterClient.connect(endpoints))
        {
            assertEquals(Verdict.APPROVE, decide(client, 1, 50_000), "under the first limit");

            // Not the admin: refused, on every member, and nothing changes.
            try (ClusterAdminClient notAdmin = ClusterAdminClient.connect(
                endpoints, "aeron:udp?endpoint=localhost:0", 5, null, 10_000_000_000L))
            {
                assertEquals(RulesUpdateOutcome.NOT_ALLOWED, notAdmin.reloadRules(
                    String.format(RULES, 1_000), maxUpdateLength, deadlineAfterSeconds(20)));
            }
            assertEquals(Verdict.APPROVE, decide(client, 2, 50_000), "a stranger's update changed nothing");

            try (ClusterAdminClient admin = ClusterAdminClient.connect(
                endpoints, "aeron:udp?endpoint=localhost:0", ADMIN_ID, null, 10_000_000_000L))
            {
                assertEquals(RulesUpdateOutcome.REFUSED_INVALID,
                    admin.reloadRules("rules:\n  - id: 0\n    type: no-such-type\n", maxUpdateLength,
                        deadlineAfterSeconds(20)));
                assertEquals(Verdict.APPROVE, decide(client, 3, 50_000), "an invalid update changed nothing");

                // Far longer than a request frame: one message of the log all the same.
                final String lowered = String.format(RULES, 1_000) + "#" + "x".repeat(20_000) + "\n";
                assertEquals(RulesUpdateOutcome.APPLIED,
                    admin.reloadRules(lowered, maxUpdateLength, deadlineAfterSeconds(20)));
            }
            assertEquals(Verdict.DECLINE, decide(client, 4, 50_000), "the new limit is in force");

            // An update in chunks is refused, even from the admin: a snapshot between its chunks could leave a
            // member started from it unable to finish what the others finish.
            try (TestClusterClient admin = TestClusterClient.connect(endpoints, ADMIN_ID))
            {
                final byte[] firstChunk = RulesUpdateFrames.encode(String.format(RULES, 1_000_000), 7, 128).get(0);
                assertTrue(admin.offer(new UnsafeBuffer(firstChunk), 0, firstChunk.length, deadlineAfterSeconds(10)));
                for (final TestClusterMember member : members)
                {
                    await(() -> member.service().counters()
                        .get(EngineCounter.RULES_UPDATES_REFUSED_MALFORMED).get() == 1,
                        deadlineAfterSeconds(20), "member " + member.memberId() + " refusing the chunked update");
                }
            }
            assertEquals(Verdict.DECLINE, decide(client, 5, 50_000), "the chunked update changed nothing");
        }

        // Every member switched at the same input: the same state.
        final long leaderHash = awaitStateHash(members.get(0), deadlineAfterSeconds(20));
        for (final TestClusterMember member : members)
        {
            await(() -> member.service().appliedEngineSeq() == members.get(0).service().appliedEngineSeq(),
                deadlineAfterSeconds(20), "member " + member.memberId() + " at the same input");
            assertEquals(leaderHash, awaitStateHash(member, deadlineAfterSeconds(20)),
                "state of member " + member.memberId());
        }
    }

    @Test
    void theCommandLineReloadsTheRulesOfARunningCluster(@TempDir final Path dir) throws IOException
    {
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), String.format(RULES, 1_000_000));
        final VigilConfig config = VigilConfig.defaults()
            .with("rules.file", rules.toString())
            .with("cluster.admin.client.id", Long.toString(ADMIN_ID));
        final int[] ports = TestClusterMember.freePorts(1);
        members.add(TestClusterMember.start(0, ports, dir.resolve("member"), config, true));
        awaitLeader(members, deadlineAfterSeconds(20));
        final Path membersFile = Files.write(dir.resolve("members.txt"), TestClusterMember.members(ports).toLines());
        final Path lowered = Files.writeString(dir.resolve("lowered.yaml"), String.format(RULES, 1_000));

        final CommandRun ok = runVigil("cluster", "reload-rules",
            lowered.toString(), "--members", membersFile.toString(), "--set", "cluster.admin.client.id=99");
        assertEquals(0, ok.exitCode(), ok.output());
        assertTrue(ok.output().contains("the cluster applied"), ok.output());

        final CommandRun wrongAdmin = runVigil("cluster", "reload-rules",
            lowered.toString(), "--members", membersFile.toString(), "--set", "cluster.admin.client.id=98");
        assertEquals(1, wrongAdmin.exitCode(), wrongAdmin.output());
        assertTrue(wrongAdmin.output().contains("NOT_ALLOWED"), wrongAdmin.output());

        final CommandRun noAdmin = runVigil("cluster", "reload-rules",
            lowered.toString(), "--members", membersFile.toString());
        assertEquals(2, noAdmin.exitCode(), noAdmin.output());
        assertTrue(noAdmin.output().contains("cluster.admin.client.id is 0"), noAdmin.output());

        try (TestClusterClient client = TestClusterClient.connect(TestClusterMember.ingressEndpoints(ports)))
        {
            assertEquals(Verdict.DECLINE, decide(client, 1, 50_000), "the reloaded limit is in force");
        }
    }

    /**
     * What a {@code vigil} command run in this JVM answered.
     */
    private record CommandRun(int exitCode, String output)
    {
    }

    private static CommandRun runVigil(final String... args)
    {
        final PrintStream originalOut = System.out;
        final PrintStream originalErr = System.err;
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try
        {
            final int exitCode = VigilMain.execute(args);
            return new CommandRun(exitCode, printed.toString(StandardCharsets.UTF_8));
        }
        finally
        {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }

    private Verdict decide(final TestClusterClient client, final long seq, final long amount)
    {
        final int length = frames.transaction(CLIENT_ID, seq, START_NS + seq * 1_000_000L, 1, amount);
        assertTrue(client.offer(frames.buffer(), 0, length, deadlineAfterSeconds(10)), "offer " + seq);
        await(() ->
        {
            client.poll();
            return client.isDecided(seq);
        }, deadlineAfterSeconds(20), "the decision of " + seq);
        return client.decisionsBySeq().get(seq).get(0).verdict();
    }
}
