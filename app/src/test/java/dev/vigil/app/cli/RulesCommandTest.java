package dev.vigil.app.cli;

import dev.vigil.app.EngineHarness;
import dev.vigil.app.TestRules;
import dev.vigil.app.engine.RulesUpdateFrames;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.DecisionDecoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.core.counters.EngineCounters;
import io.aeron.Aeron;
import io.aeron.Publication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.vigil.core.counters.EngineCounter.RULES_UPDATES_APPLIED;
import static dev.vigil.core.counters.EngineCounter.RULES_UPDATES_REFUSED_INVALID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class RulesCommandTest extends CommandLineTest
{
    private static final long CLIENT_ID = 17;
    private static final long AMOUNT = 50_000;
    private static final String[] NO_SNAPSHOTS = {"snapshot.interval.events=0", "snapshot.on.shutdown=false"};

    @TempDir
    Path dir;

    @Test
    void checkPrintsTheRulesOrEveryErrorWithItsExitStatus()
    {
        final Path good = TestRules.write(dir, "good.yaml", TestRules.amountThreshold(100));
        assertEquals(0, VigilMain.execute("rules", "check", good.toString()));
        assertTrue(output().contains(good + ": 1 rule(s), 1 enabled"), output());
        assertTrue(output().contains(" 0  amount-threshold (amount-threshold) key account max-amount 100 -> decline"),
            output());

        out.reset();
        final Path bad = TestRules.write(dir, "bad.yaml", "rules:\n  - id: 99\n    name: x\n    type: velocity\n" +
            "    action: decline\n");
        assertEquals(1, VigilMain.execute("rules", "check", bad.toString()));
        assertTrue(output().contains(bad + ": invalid rules, 3 error(s)"), output());
        assertTrue(output().contains(bad + ":2: rule 'x': field 'id': '99' is not allowed"), output());
        assertTrue(output().contains(bad + ":2: rule 'x': field 'window' is missing"), output());
        assertTrue(output().contains(bad + ":2: rule 'x': field 'parameters' is missing"), output());

        assertEquals(2, VigilMain.execute("rules", "check", dir.resolve("none.yaml").toString()));
        assertTrue(errors().contains("cannot read the rules file"), errors());
        assertEquals(2, VigilMain.execute("rules", "check"));
    }

    @Test
    void checkListsThresholdRulesAndConditionsWithTheStateEachKeepsPerKey()
    {
        final Path examples = Path.of("..", "config", "examples", "analyst-rules.yaml");
        assertEquals(0, VigilMain.execute("rules", "check", examples.toString()), output());
        assertTrue(output().contains(examples + ": 16 rule(s), 16 enabled"), output());
        assertTrue(output().contains("30  probe-then-spend (pattern) key card steps [(amount <= 2.00 and country != " +
            "GB), (channel == ECOM) not-between (country == GB), (amount >= 1000.00)] within 10m allowed-lateness " +
            "10m max-events 16 value amount -> decline; state 464 bytes per card"), output());
        assertTrue(output().contains("33  withdrawal-not-repaid (pattern) key account steps [(channel == ATM and " +
            "amount >= 500.00)] within 1m allowed-lateness 1m absent-after (amount < 0) for 24h max-events 16 value " +
            "amount -> review; state 464 bytes per account"), output());
        assertTrue(output().contains(" 0  amount-threshold (amount-threshold) key account max-amount 1000000 -> " +
            "decline\n"), output());
        assertTrue(output().contains(" 1  online-velocity (velocity) key account window 1m slide 1s max-count 10 " +
            "where channel in [ECOM, MOTO] -> review; state 992 bytes per account"), output());
        assertTrue(output().contains("12  atm-abroad (threshold) key card window 10m slide 10s count above 3 where " +
            "channel == ATM and country != home_country -> review; state 992 bytes per card"), output());
        assertTrue(output().contains("40  home_country (attribute) key card keep first(country) of events where " +
            "channel == POS; state 24 bytes per card\n"), output());
        assertTrue(output().contains("41  usual_amount (attribute) key account keep mean(amount) window 24h slide " +
            "1h; state 832 bytes per account\n"), output());
        assertTrue(output().contains("14  countries-per-card (threshold) key card window 1h slide 1m " +
            "distinct-count(country) above 2 -> review; state 56 bytes per card"), output());
        assertTrue(output().contains("16  big-after-review (threshold) key account window 1h slide 1m " +
            "mean(amount) at-least 500000 where verdict >= review and not fired(amount-threshold) -> decline; " +
            "state 1,984 bytes per account"), output());
        assertTrue(output().contains("20  large-limit-sells (threshold) key instrument window 1m slide 1s input " +
            "orders sum(price * quantity) above 500000000 where side == SELL and order-type == LIMIT -> decline; " +
            "state 992 bytes per instrument"), output());
        assertTrue(output().contains(" 0  atm-cash-per-merchant (tumbling) transactions by merchant of amount " +
            "size 10m where channel == ATM"), output());
    }

    @Test
    void reloadSaysSoWhenNoEngineIsRunning()
    {
        final Path good = TestRules.write(dir, "good.yaml", TestRules.amountThreshold(100));
        assertEquals(1, VigilMain.execute("rules", "reload", good.toString(),
            "--set", "aeron.dir=" + dir.resolve("no-driver-here"), "--timeout", "1s"));
        assertTrue(errors().contains("no engine running"), errors());
    }

    @Test
    void runRefusesABadRulesFileWithEveryError()
    {
        final Path bad = TestRules.write(dir, "bad.yaml", "rules:\n  - id: 1\n    name: x\n    type: nope\n");
        assertEquals(2, VigilMain.execute("run", "--rules", bad.toString(), "--data-dir", dir.toString()));
        assertTrue(errors().contains("invalid rules, 2 error(s)"), errors());
        assertTrue(errors().contains(bad + ":4: rule 'x': field 'type': unknown type 'nope'"), errors());
        assertTrue(errors().contains(bad + ":2: rule 'x': field 'action' is missing"), errors());
    }

    @Test
    void runRefusesRulesWhoseKeyedStateExceedsTheLargestRecord()
    {
        assertEquals(2, VigilMain.execute("run", "--data-dir", dir.toString(),
            "--set", "rules.state.max.record.bytes=512"));
        assertTrue(errors().contains("the account rules need"), errors());
        assertTrue(errors().contains("more than rules.state.max.record.bytes=512"), errors());
    }

    @Test
    void reloadChangesDecisionsFromThatPointAndReplayAndRestartReproduceThem() throws IOException
    {
        final Path dataDir = dir.resolve("data");
        final Path lenient = TestRules.write(dir, "lenient.yaml", TestRules.amountThreshold(100_000));
        final Path strict = TestRules.write(dir, "strict.yaml", TestRules.amountThreshold(10_000));
        final Path broken = TestRules.write(dir, "broken.yaml", "rules:\n  - id: 0\n");
        final Map<Long, String> live = new TreeMap<>();
        final String aeronDirSetting;

        try (EngineHarness harness = EngineHarness.start(dataDir, with("rules.file=" + lenient));
            VigilClient client = harness.connect(CLIENT_ID))
        {
            aeronDirSetting = "aeron.dir=" + harness.engine().aeronDirectoryName();
            send(client, 1, 10, live);

            assertEquals(1, VigilMain.execute("rules", "reload", broken.toString(), "--set", aeronDirSetting));
            assertTrue(output().contains("invalid rules"), output());
            assertTrue(output().contains("nothing sent to the engine"), output());

            out.reset();
            assertEquals(0, VigilMain.execute("rules", "reload", strict.toString(), "--set", aeronDirSetting),
                errors());
            assertTrue(output().contains("the engine applied " + strict), output());
            send(client, 11, 20, live);

            // A bad file sent anyway is refused by the engine, counted, and changes nothing.
            final EngineCounters counters = harness.engine().counters();
            assertEquals(1, counters.get(RULES_UPDATES_APPLIED).get() - 1, "the start's rules, then the reload");
            assertEquals(RulesReloadCommand.RulesUpdateSender.REFUSED, sendAnyway(harness, broken));
            assertEquals(1, counters.get(RULES_UPDATES_REFUSED_INVALID).get());
            send(client, 21, 25, live);
            assertTrue(harness.errors().isEmpty(), harness.errors().toString());
        }

        for (long seq = 1; seq <= 25; seq++)
        {
            final String decision = live.get(seq);
            assertEquals(seq <= 10 ? "APPROVE/0" : "DECLINE/1", decision.substring(0, decision.lastIndexOf('/')),
                "request " + seq);
        }

        // Replay reproduces every decision, switching rules where the engine did, whatever --config says.
        out.reset();
        final Path csv = dir.resolve("replayed.csv");
        assertEquals(0, VigilMain.execute("journal", "replay", "--data-dir", dataDir.toString(),
            "--set", "rules.file=" + lenient, "--out", csv.toString()), errors());
        final List<String> lines = Files.readAllLines(csv);
        assertEquals(26, lines.size(), "header + one line per request");
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] fields = line.split(",");
            final long clientSeq = Long.parseLong(fields[2]);
            assertEquals(live.get(clientSeq), fields[4] + "/" + fields[5] + "/" + fields[0], line);
        }

        // A restart recovers the strict rules from the journal: retries get their original decisions, new requests
        // are judged by the strict rules; with the lenient file named, it journals an update back to them first.
        try (EngineHarness harness = EngineHarness.start(dataDir, with("rules.file=" + strict));
            VigilClient client = VigilClient.connect(harness.clientContext(CLIENT_ID).firstClientSeq(26)))
        {
            assertTrue(harness.engine().startupReport().contains("rules as recovered, the same as " + strict),
                harness.engine().startupReport());
            final Map<Long, String> after = new TreeMap<>();
            send(client, 26, 27, after);
            assertTrue(after.get(26L).startsWith("DECLINE/1/"), after.toString());
        }
        try (EngineHarness harness = EngineHarness.start(dataDir, with("rules.file=" + lenient));
            VigilClient client = VigilClient.connect(harness.clientContext(CLIENT_ID).firstClientSeq(28)))
        {
            assertTrue(harness.engine().startupReport().contains("rules changed: journaled an update to those of " +
                lenient), harness.engine().startupReport());
            final Map<Long, String> after = new TreeMap<>();
            send(client, 28, 28, after);
            assertTrue(after.get(28L).startsWith("APPROVE/0/"), after.toString());
            final Map<Long, String> retried = new TreeMap<>();
            resend(client, 15, retried);
            assertEquals(live.get(15L), retried.get(15L), "a retry gets its original decision");
        }
    }

    @Test
    void aPatternReloadedMidStreamJudgesFromThatPointAndReplayReproducesIt() throws IOException
    {
        final Path dataDir = dir.resolve("data");
        // The engine starts with the pattern's state key (a card's records) and room for it, from a pattern that
        // never fires; the reload changes its condition, which starts its state afresh.
        final String pattern = TestRules.amountThreshold(100_000) +
            "  - id: 7\n" +
            "    name: three-quick\n" +
            "    type: pattern\n" +
            "    key: card\n" +
            "    pattern:\n" +
            "      steps: [{where: amount >= LIMIT, times: 3}]\n" +
            "      within: 1h\n" +
            "    action: review\n";
        final Path lenient = TestRules.write(dir, "lenient.yaml", pattern.replace("LIMIT", "1000000.00"));
        final Path withPattern = TestRules.write(dir, "pattern.yaml", pattern.replace("LIMIT", "100.00"));
        final Map<Long, String> live = new TreeMap<>();
        try (EngineHarness harness = EngineHarness.start(dataDir, with("rules.file=" + lenient));
            VigilClient client = harness.connect(CLIENT_ID))
        {
            final String aeronDirSetting = "aeron.dir=" + harness.engine().aeronDirectoryName();
            send(client, 1, 5, live);
            assertEquals(0, VigilMain.execute("rules", "reload", withPattern.toString(), "--set", aeronDirSetting),
                errors());
            assertTrue(output().contains("three-quick (pattern) key card"), output());
            send(client, 6, 10, live);
            assertTrue(harness.errors().isEmpty(), harness.errors().toString());
        }
        for (long seq = 1; seq <= 10; seq++)
        {
            final String decision = live.get(seq);
            assertEquals(seq <= 7 ? "APPROVE/0" : "REVIEW/128", decision.substring(0, decision.lastIndexOf('/')),
                "request " + seq + ": the pattern sees the card's payments from the reload on");
        }

        out.reset();
        final Path csv = dir.resolve("replayed.csv");
        assertEquals(0, VigilMain.execute("journal", "replay", "--data-dir", dataDir.toString(),
            "--set", "rules.file=" + lenient, "--out", csv.toString()), errors());
        final List<String> lines = Files.readAllLines(csv);
        assertEquals(11, lines.size(), "header + one line per request");
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] fields = line.split(",");
            assertEquals(live.get(Long.parseLong(fields[2])), fields[4] + "/" + fields[5] + "/" + fields[0], line);
        }
    }

    private static String[] with(final String rulesFile)
    {
        return new String[]{rulesFile, NO_SNAPSHOTS[0], NO_SNAPSHOTS[1]};
    }

    private static int sendAnyway(final EngineHarness harness, final Path file) throws IOException
    {
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(harness.engine().aeronDirectoryName()));
            Publication publication = aeron.addPublication("aeron:ipc", 1010))
        {
            final RulesReloadCommand.RulesUpdateSender sender =
                new RulesReloadCommand.RulesUpdateSender(aeron, publication);
            return sender.send(RulesUpdateFrames.encode(Files.readString(file), 99, 512),
                System.nanoTime() + 10_000_000_000L);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static void send(
        final VigilClient client, final long fromSeq, final long toSeq, final Map<Long, String> out)
    {
        for (long seq = fromSeq; seq <= toSeq; seq++)
        {
            while (client.sendTransaction(seq, seq, 3, 31, 5, AMOUNT, "EUR", "DE", PaymentChannel.POS) < 0)
            {
                Thread.yield();
            }
        }
        awaitDecisions(client, toSeq - fromSeq + 1, out);
    }

    private static void resend(final VigilClient client, final long clientSeq, final Map<Long, String> out)
    {
        while (client.resendTransaction(
            clientSeq, clientSeq, clientSeq, 3, 31, 5, AMOUNT, "EUR", "DE", PaymentChannel.POS) < 0)
        {
            Thread.yield();
        }
        awaitDecisions(client, 1, out);
    }

    private static void awaitDecisions(final VigilClient client, final long count, final Map<Long, String> out)
    {
        final int before = out.size();
        assertTrue(EngineHarness.await(() -> out.size() == before + count,
            () -> client.poll(decision -> out.put(decision.clientSeq(), describe(decision)), 100), 30_000),
            () -> out.size() - before + " decisions of " + count);
    }

    private static String describe(final DecisionDecoder decision)
    {
        return decision.verdict() + "/" + decision.firedRules() + "/" + decision.engineSeq();
    }
}
