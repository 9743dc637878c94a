package dev.vigil.app.cli;

import dev.vigil.app.config.RulesFiles;
import dev.vigil.app.engine.RulesUpdateFrames;
import dev.vigil.journal.JournalDescriptor;
import dev.vigil.journal.JournalReader;
import dev.vigil.journal.SnapshotStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal tools work on the journal a demo leaves behind, and catch damage.
 */
@Timeout(120)
class JournalCommandTest extends CommandLineTest
{
    private static final Pattern VERDICTS = Pattern.compile("approve [\\d,]+ +review [\\d,]+ +decline [\\d,]+");

    @TempDir
    Path dataDir;

    @Test
    void demoLeavesAJournalThatVerifiesAndDumps() throws IOException
    {
        assertEquals(0, VigilMain.execute("demo", SMALL_STATE, "--duration", "500ms", "--warmup", "0s",
            "--rate", "2000",
            "--data-dir", dataDir.toString()), err::toString);
        assertTrue(output().contains("journal   left in " + dataDir + "/journal"), output());
        final Matcher sentLine = Pattern.compile("sent\\s+([\\d,]+)").matcher(output());
        assertTrue(sentLine.find(), output());
        final long sent = Long.parseLong(sentLine.group(1).replace(",", ""));

        final Matcher demoVerdicts = VERDICTS.matcher(output());
        assertTrue(demoVerdicts.find(), output());

        out.reset();
        assertEquals(0, VigilMain.execute("journal", "replay", "--data-dir", dataDir.toString(), SMALL_STATE,
            "--out", dataDir.resolve("decisions.csv").toString()));
        final Matcher replayVerdicts = VERDICTS.matcher(output());
        assertTrue(replayVerdicts.find(), output());
        assertEquals(demoVerdicts.group(0), replayVerdicts.group(0), "replay reproduces the demo's decisions");
        assertEquals(sent + 1, Files.readAllLines(dataDir.resolve("decisions.csv")).size(), "header + one per request");

        out.reset();
        final Path noAmountLimit = dataDir.resolve("no-amount-limit.yaml");
        Files.writeString(noAmountLimit,
            defaultRulesText().replace("max-amount: 1000000\n", "max-amount: 1000000000\n"));
        assertEquals(0, VigilMain.execute("journal", "whatif", "--data-dir", dataDir.toString(), SMALL_STATE,
            "--new-rules", noAmountLimit.toString()));
        final Matcher amountRule = Pattern.compile("amount-threshold +([\\d,]+) -> 0").matcher(output());
        assertTrue(amountRule.find(), "without the amount limit the rule never fires: " + output());
        final long amountFired = Long.parseLong(amountRule.group(1).replace(",", ""));
        assertTrue(amountFired > 0, output());
        final Matcher changed = Pattern.compile("changed ([\\d,]+)").matcher(output());
        assertTrue(changed.find(), output());
        assertEquals(amountFired, Long.parseLong(changed.group(1).replace(",", "")),
            "exactly the decisions the amount rule fired on change: " + output());

        out.reset();
        final Path withPattern = dataDir.resolve("with-pattern.yaml");
        Files.writeString(withPattern, defaultRulesText().replace("\nwindows:\n", "\n" +
            "  - id: 20\n" +
            "    name: small-then-large-online\n" +
            "    type: pattern\n" +
            "    key: account\n" +
            "    pattern:\n" +
            "      steps:\n" +
            "        - where: amount < 50.00\n" +
            "        - where: channel == ECOM and amount >= 100.00\n" +
            "      within: 1m\n" +
            "    action: alert_only\n" +
            "\nwindows:\n"));
        assertEquals(0, VigilMain.execute("journal", "whatif", "--data-dir", dataDir.toString(), SMALL_STATE,
            "--new-rules", withPattern.toString()), errors());
        final Matcher patternRule = Pattern.compile("small-then-large-online +0 -> ([\\d,]+)").matcher(output());
        assertTrue(patternRule.find(), "the new pattern fires in the what-if run: " + output());
        final long patternFired = Long.parseLong(patternRule.group(1).replace(",", ""));
        assertTrue(patternFired > 0, output());
        assertTrue(output().contains("changed " + patternFired + " "),
            "only the decisions whose fired rules now name the pattern changed (it is alert-only): " + output());

        whatIfReadsAnAttribute();

        out.reset();
        assertEquals(0, VigilMain.execute("journal", "verify", "--data-dir", dataDir.toString()));
        assertTrue(output().contains("OK: every record intact and in sequence"), output());
        final long records = sent + RulesUpdateFrames.encode(defaultRulesText(), 0, 512).size();
        assertTrue(output().contains(records + " record(s), engine seq 1 to " + records), output());

        out.reset();
        assertEquals(0, VigilMain.execute("journal", "dump", "--data-dir", dataDir.toString(),
            "--type", "ORDER", "--limit", "3", "--format", "json"));
        final List<String> orders = output().lines().toList();
        assertEquals(3, orders.size(), output());
        orders.forEach(line -> assertTrue(line.startsWith("{\"engineSeq\":") && line.contains("\"type\":\"order\""),
            line));

        out.reset();
        // The first events follow the rules records the journal starts with.
        final long firstEvent = records - sent + 1;
        assertEquals(0, VigilMain.execute("journal", "dump", "--data-dir", dataDir.toString(),
            "--from-seq", Long.toString(firstEvent), "--to-seq", Long.toString(firstEvent + 2), "--format", "csv"));
        final List<String> csv = output().lines().toList();
        assertTrue(csv.get(0).startsWith("engineSeq,receiveTimeNs,type,clientId,clientSeq,eventTime"), csv.get(0));
        assertEquals(List.of(firstEvent, firstEvent + 1, firstEvent + 2), csv.stream()
            .filter(line -> !line.startsWith("engineSeq"))
            .map(line -> Long.parseLong(line.substring(0, line.indexOf(',')))).toList());

        out.reset();
        assertEquals(0, VigilMain.execute("journal", "dump", "--data-dir", dataDir.toString(),
            "--from-time", "2026-01-01T00:00:01Z", "--to-time", "2026-01-01T00:00:01.050Z"));
        assertEquals(5, output().lines().count(), "event time steps 10 ms from 2026-01-01T00:00:00Z: " + output());
    }

    private void whatIfReadsAnAttribute() throws IOException
    {
        out.reset();
        final Path withAttribute = dataDir.resolve("with-attribute.yaml");
        Files.writeString(withAttribute, defaultRulesText().replace("\nwindows:\n", "\n" +
            "  - {id: 21, name: new-merchant, type: threshold, key: card, where: merchant != last_merchant, " +
            "window: {size: 1m, slide: 1s}, aggregate: count, at-least: 1, action: alert_only}\n" +
            "  - {id: 22, name: last_merchant, type: attribute, key: card, keep: last, value: merchant}\n" +
            "\nwindows:\n"));
        assertEquals(0, VigilMain.execute("journal", "whatif", "--data-dir", dataDir.toString(), SMALL_STATE,
            "--new-rules", withAttribute.toString()), errors());
        final Matcher newMerchant = Pattern.compile("new-merchant +0 -> ([\\d,]+)").matcher(output());
        assertTrue(newMerchant.find(), "the rule reading the attribute fires in the what-if run: " + output());
        final long changedMerchant = Long.parseLong(newMerchant.group(1).replace(",", ""));
        assertTrue(changedMerchant > 0, output());
        assertTrue(output().contains("changed " + changedMerchant + " "), "only the decisions whose fired rules now " +
            "name it changed (it is alert-only; the attribute decides nothing): " + output());
        assertFalse(Pattern.compile("last_merchant +0 -> [1-9]").matcher(output()).find(),
            "an attribute never fires: " + output());
    }

    private static String defaultRulesText()
    {
        return RulesFiles.readText(Path.of(RulesFiles.DEFAULT_PATH));
    }

    private static long startOfRecord(final Path journalDir, final long engineSeq)
    {
        final long[] start = {-1};
        try (JournalReader reader = JournalReader.open(journalDir, engineSeq))
        {
            reader.poll((seq, time, buffer, offset, length) ->
            {
                if (seq == engineSeq)
                {
                    start[0] = offset - JournalDescriptor.PAYLOAD_OFFSET;
                }
            }, 1);
        }
        return start[0];
    }

    @Test
    void verifyFindsAFlippedBitAndNamesWhere() throws IOException
    {
        assertEquals(0, VigilMain.execute("demo", SMALL_STATE, "--duration", "300ms", "--warmup", "0s",
            "--rate", "1000",
            "--data-dir", dataDir.toString()), err::toString);
        final Path segment = segment(dataDir.resolve("journal"));
        final long startOfRecord = startOfRecord(dataDir.resolve("journal"), 20);
        final long damagedOffset = startOfRecord + 40;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, damagedOffset);
            one.put(0, (byte)(one.get(0) ^ 0x10)).rewind();
            channel.write(one, damagedOffset);
        }

        out.reset();
        assertEquals(1, VigilMain.execute("journal", "verify", "--data-dir", dataDir.toString()));
        assertTrue(output().contains("PROBLEM:") && output().contains(segment.getFileName().toString()), output());
        assertTrue(output().contains(Long.toString(startOfRecord)), "offset of the damaged record: " + output());

        out.reset();
        err.reset();
        assertEquals(1, VigilMain.execute("run", "--data-dir", dataDir.toString()));
        assertTrue(errors().contains("vigil run --truncate-at-corruption"), errors());
    }

    @Test
    void verifyChecksEverySnapshotAndNamesADamagedOne() throws IOException
    {
        assertEquals(0, VigilMain.execute("demo", SMALL_STATE, "--duration", "300ms", "--warmup", "0s",
            "--rate", "1000",
            "--data-dir", dataDir.toString()), err::toString);
        final List<Path> snapshots = new SnapshotStore(dataDir.resolve("snapshots"), 1).newestFirst();
        assertEquals(1, snapshots.size(), "the demo's clean stop snapshots: " + snapshots);
        final Path snapshot = snapshots.get(0);

        out.reset();
        assertEquals(0, VigilMain.execute("journal", "verify", "--data-dir", dataDir.toString()), output());
        assertTrue(output().contains("snapshot " + snapshot.getFileName() + " at engine seq " +
            SnapshotStore.sequenceOf(snapshot) + ": intact"), output());

        try (FileChannel channel = FileChannel.open(snapshot, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() - 1);
        }
        out.reset();
        assertEquals(1, VigilMain.execute("journal", "verify", "--data-dir", dataDir.toString()));
        assertTrue(output().contains("PROBLEM: snapshot " + snapshot + ": checksum mismatch"), output());
    }

    @Test
    void importsAnEventsCsvIntoAJournalThatReplays() throws IOException
    {
        final Path csv = dataDir.resolve("events.csv");
        Files.writeString(csv, String.join("\n",
            "type,event_time,account,card,merchant,amount,currency,country,instrument,side,price,quantity",
            "transaction,2026-01-01T00:00:00Z,7,70,100,1250,EUR,DE,,,,",
            "transaction,2026-01-01T00:00:01Z,7,70,101,2000000,EUR,DE,,,,",
            "order,1767225602000000000,9,,,,,,5,sell,10100,20",
            ""));
        final Path target = dataDir.resolve("imported");
        assertEquals(0, VigilMain.execute("journal", "import", "--csv", csv.toString(), "--data-dir",
            target.toString()), errors());
        assertTrue(output().contains("imported 3 record(s)"), output());

        out.reset();
        assertEquals(0, VigilMain.execute("journal", "dump", "--data-dir", target.toString(), "--format", "csv"));
        assertTrue(output().contains("3,2026-01-01T00:00:02Z,order,1,3,2026-01-01T00:00:02Z,3,9,5,SELL,LIMIT,10100,20")
            || output().contains(",order,1,3,2026-01-01T00:00:02Z,3,9,5,SELL,LIMIT,10100,20"), output());

        out.reset();
        assertEquals(0, VigilMain.execute("journal", "replay", "--data-dir", target.toString(), SMALL_STATE));
        assertTrue(output().contains("approve 2   review 0   decline 1"), output());

        final Path bad = dataDir.resolve("bad.csv");
        Files.writeString(bad, "event_time,type,account,card,merchant,amount,currency,country\n" +
            "2026-01-01T00:00:00Z,transaction,7,70,100,-5,EUR,DE\n");
        err.reset();
        assertEquals(2, VigilMain.execute("journal", "import", "--csv", bad.toString(), "--data-dir",
            dataDir.resolve("bad").toString()));
        assertTrue(errors().contains(bad + ":2: column 'amount' has '-5'; allowed: a whole number, not negative"),
            errors());
        assertTrue(!Files.exists(dataDir.resolve("bad").resolve("journal")), "a failed import leaves no journal");
    }

    @Test
    void whatIfTriesAFilteredThresholdRuleOnAJournal() throws IOException
    {
        final Path csv = dataDir.resolve("withdrawals.csv");
        Files.writeString(csv, String.join("\n",
            "type,event_time,account,card,merchant,amount,currency,country,channel",
            "transaction,2026-01-01T00:00:00Z,7,70,100,5000,EUR,FR,atm",
            "transaction,2026-01-01T00:01:00Z,7,70,101,5000,EUR,FR,pos",
            "transaction,2026-01-01T00:02:00Z,7,70,102,5000,EUR,GB,atm",
            "transaction,2026-01-01T00:03:00Z,7,70,103,5000,EUR,DE,atm",
            "transaction,2026-01-01T00:04:00Z,7,70,104,5000,EUR,IT,atm",
            ""));
        final Path journal = dataDir.resolve("withdrawals");
        assertEquals(0, VigilMain.execute("journal", "import", "--csv", csv.toString(), "--data-dir",
            journal.toString()), errors());

        final Path rules = dataDir.resolve("atm-abroad.yaml");
        Files.writeString(rules, defaultRulesText().replace("\nwindows:\n",
            "\n  - id: 12\n" +
            "    name: atm-abroad\n" +
            "    type: threshold\n" +
            "    key: card\n" +
            "    where: channel == ATM and country != GB\n" +
            "    window: {size: 10m, slide: 10s}\n" +
            "    aggregate: count\n" +
            "    above: 2\n" +
            "    action: decline\n" +
            "\nwindows:\n"));
        out.reset();
        assertEquals(0, VigilMain.execute("journal", "whatif", "--data-dir", journal.toString(), SMALL_STATE,
            "--new-rules", rules.toString()), errors());
        // Now the card's changes of country are reviewed (impossible travel); the third withdrawal abroad, in Italy,
        // is declined by the new rule: the POS payment and the withdrawal at home do not count.
        assertTrue(output().contains("decisions 5, changed 1 (20.00%)"), output());
        assertTrue(output().contains("REVIEW -> DECLINE  1"), output());
        assertTrue(Pattern.compile("atm-abroad +0 -> 1").matcher(output()).find(), output());
    }

    private static Path segment(final Path journalDir) throws IOException
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg")).findFirst().orElseThrow();
        }
    }
}
