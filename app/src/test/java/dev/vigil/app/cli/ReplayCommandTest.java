package dev.vigil.app.cli;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.core.rules.Rule;
import dev.vigil.core.rules.RuleSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vigil replay} runs an events CSV file through the engine's rules and writes what they decided.
 */
@Timeout(120)
class ReplayCommandTest extends CommandLineTest
{
    private static final String HEADER =
        "event_time,type,account,card,merchant,amount,currency,country,instrument,side,price,quantity";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    /**
     * Card testing is a sequence pattern: its alert lists the events it matched, in event time, here a small
     * payment whose line comes after the large one it precedes.
     */
    @Test
    void aCardTestingAlertListsTheEventsItMatched() throws IOException
    {
        final Path csv = write("events.csv", List.of(HEADER,
            "2026-01-01T00:05:00Z,transaction,1,10,100,150000,EUR,DE,,,,",
            "2026-01-01T00:01:00Z,transaction,1,10,100,150,EUR,DE,,,,"));
        final Path outDir = dir.resolve("out");

        assertEquals(0, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString(), SMALL_STATE),
            errors());

        final List<String> alerts = Files.readAllLines(outDir.resolve("alerts.csv"));
        assertEquals(List.of(alerts.get(0),
            "3,2,1,2,5,card-testing,DECLINE,10,150000,100000,2026-01-01T00:01:00Z,2026-01-01T00:05:00.000000001Z," +
                "2026-01-01T00:01:00Z,2@2026-01-01T00:01:00Z=150;1@2026-01-01T00:05:00Z=150000"), alerts);
    }

    /**
     * A pattern ending in an absence (no payment to merchant 999 within an hour of a large withdrawal) fires when the
     * watermark passes it, here moved by a heartbeat: its alert is written on the heartbeat's line, and the
     * decisions are untouched.
     */
    @Test
    void aWithdrawalNotRepaidWithinAnHourAlertsOnTheHeartbeatThatEndsTheHour() throws IOException
    {
        final Path rules = write("rules.yaml", List.of("rules:",
            "  - id: 9",
            "    name: not-repaid",
            "    type: pattern",
            "    key: account",
            "    pattern:",
            "      steps: [{where: channel == ATM and amount >= 500.00}]",
            "      absent-after: {where: merchant == 999, for: 1h}",
            "      within: 1m",
            "    action: review"));
        final Path csv = write("events.csv", List.of(HEADER + ",channel",
            "2026-01-01T00:00:00Z,transaction,1,10,100,60000,EUR,DE,,,,,atm",
            "2026-01-01T00:10:00Z,transaction,2,20,200,60000,EUR,DE,,,,,atm",
            "2026-01-01T00:30:00Z,transaction,2,20,999,100,EUR,DE,,,,,pos",
            "2026-01-01T00:50:00Z,heartbeat,,,,,,,,,,,",
            "2026-01-01T02:00:00Z,heartbeat,,,,,,,,,,,"));
        final Path outDir = dir.resolve("out");

        assertEquals(0, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString(),
            "--rules", rules.toString(), SMALL_STATE), errors());

        final List<String> alerts = Files.readAllLines(outDir.resolve("alerts.csv"));
        assertEquals(2, alerts.size(), "one alert, for account 1 (account 2 repaid): " + alerts);
        assertTrue(alerts.get(1).startsWith("6,5,"), "on the line of the heartbeat that moved the watermark: " +
            alerts.get(1));
        assertTrue(alerts.get(1).contains(",9,not-repaid,REVIEW,1,1,1,2026-01-01T00:00:00Z,"), alerts.get(1));
        assertTrue(alerts.get(1).endsWith(",1@2026-01-01T00:00:00Z=60000"), alerts.get(1));
        final List<String> decisions = Files.readAllLines(outDir.resolve("decisions.csv"));
        assertTrue(decisions.stream().skip(1).allMatch(line -> line.contains(",APPROVE,")), decisions.toString());
    }

    /**
     * Expected decisions from config/rules.yaml: above 10,000.00 declines (amount-threshold); the 11th transaction
     * of one account within 60 s is reviewed (account-velocity, more than 10).
     */
    @Test
    void decidesAHandWrittenFileAsTheDefaultRulesSay() throws IOException
    {
        final List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        lines.add("2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,DE,,,,");
        lines.add("2026-01-01T00:00:01Z,transaction,2,20,200,2000000,EUR,DE,,,,");
        for (int i = 0; i < 11; i++)
        {
            lines.add(time(10_000 + i * 1_000L) + ",transaction,3,30,300,1000,EUR,DE,,,,");
        }
        lines.add("2026-01-01T00:00:30Z,order,4,,,,,,5,buy,10100,20");
        lines.add("");
        lines.add("2026-01-01T00:00:40Z,heartbeat,,,,,,,,,,");
        final Path csv = write("events.csv", lines);
        final Path outDir = dir.resolve("out");

        assertEquals(0, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString(), SMALL_STATE),
            errors());

        final List<String> decisions = Files.readAllLines(outDir.resolve("decisions.csv"));
        assertEquals(List.of(
            "line,engineSeq,eventTime,type,account,card,merchant,instrument,verdict,firedRules",
            "2,1,2026-01-01T00:00:00Z,transaction,1,10,100,,APPROVE,",
            "3,2,2026-01-01T00:00:01Z,transaction,2,20,200,,DECLINE,amount-threshold",
            "4,3,2026-01-01T00:00:10Z,transaction,3,30,300,,APPROVE,",
            "5,4,2026-01-01T00:00:11Z,transaction,3,30,300,,APPROVE,",
            "6,5,2026-01-01T00:00:12Z,transaction,3,30,300,,APPROVE,",
            "7,6,2026-01-01T00:00:13Z,transaction,3,30,300,,APPROVE,",
            "8,7,2026-01-01T00:00:14Z,transaction,3,30,300,,APPROVE,",
            "9,8,2026-01-01T00:00:15Z,transaction,3,30,300,,APPROVE,",
            "10,9,2026-01-01T00:00:16Z,transaction,3,30,300,,APPROVE,",
            "11,10,2026-01-01T00:00:17Z,transaction,3,30,300,,APPROVE,",
            "12,11,2026-01-01T00:00:18Z,transaction,3,30,300,,APPROVE,",
            "13,12,2026-01-01T00:00:19Z,transaction,3,30,300,,APPROVE,",
            "14,13,2026-01-01T00:00:20Z,transaction,3,30,300,,REVIEW,account-velocity",
            "15,14,2026-01-01T00:00:30Z,order,4,,,5,APPROVE,"), decisions);

        assertEquals(List.of(
            "line,engineSeq,clientId,clientSeq,ruleId,rule,action,key,observed,threshold,windowStart,windowEnd," +
                "eventTime,matched",
            "3,2,1,2,0,amount-threshold,DECLINE,2,2000000,1000000,2026-01-01T00:00:01Z," +
                "2026-01-01T00:00:01.000000001Z,2026-01-01T00:00:01Z,",
            "14,13,1,13,1,account-velocity,REVIEW,3,11,10,2025-12-31T23:59:21Z,2026-01-01T00:00:21Z," +
                "2026-01-01T00:00:20Z,"), Files.readAllLines(outDir.resolve("alerts.csv")));

        assertEquals(1, Files.readAllLines(outDir.resolve("windows.csv")).size(),
            "a header only: the watermark reaches the end of none of the default windows");
        assertEquals(1, Files.readAllLines(outDir.resolve("late.csv")).size());
        assertEquals(1, Files.readAllLines(outDir.resolve("rejected.csv")).size());

        final String summary = Files.readString(outDir.resolve("summary.txt"));
        assertEquals(summary, output(), "the summary, on stdout and in summary.txt");
        assertTrue(summary.contains("replayed 15 line(s) of " + csv), summary);
        assertTrue(summary.contains("inputs    15: 13 transaction(s), 1 order(s), 1 heartbeat(s); engine seq 1 to 15"),
            summary);
        assertTrue(summary.contains("rejected  0 line(s)"), summary);
        assertTrue(summary.contains("decisions 14: approve 12   review 1   decline 1"), summary);
        assertTrue(summary.contains(" amount-threshold 1 ") && summary.contains(" account-velocity 1 ") &&
            summary.contains(" order-rate 0 "), summary);
        assertTrue(summary.contains("windows   0 result(s), 0 of them update(s); 0 late event(s)"), summary);
    }

    /**
     * A tumbling window of 10 s with 5 s of allowed lateness, and no out-of-orderness: the watermark is the newest
     * event time - 1 ns, a window [start, end) fires when it reaches end - 1 ns, a late event re-fires it as an
     * update until the watermark passes end - 1 ns + 5 s, and goes to the late output after that.
     */
    @Test
    void writesTheResultsAndLateEventsOfTheRulesFilesWindows() throws IOException
    {
        final Path rules = write("windows.yaml", List.of(
            "rules:",
            "  - {id: 0, name: amount-threshold, type: amount-threshold, parameters: {max-amount: 500}, " +
                "action: decline}",
            "windows:",
            "  - {id: 0, name: account-10s, type: tumbling, key: account, size: 10s, allowed-lateness: 5s}"));
        final Path csv = write("events.csv", List.of(HEADER,
            "2026-01-01T00:00:01Z,transaction,1,10,100,100,EUR,DE,,,,",
            "2026-01-01T00:00:04Z,transaction,1,10,100,300,EUR,DE,,,,",
            "2026-01-01T00:00:06Z,transaction,2,20,100,50,EUR,DE,,,,",
            "2026-01-01T00:00:12Z,transaction,1,10,100,700,EUR,DE,,,,",
            "2026-01-01T00:00:08Z,transaction,1,10,100,200,EUR,DE,,,,",
            "2026-01-01T00:00:20Z,transaction,2,20,100,10,EUR,DE,,,,",
            "2026-01-01T00:00:03Z,transaction,1,10,100,999,EUR,DE,,,,",
            "2026-01-01T00:00:40Z,heartbeat,,,,,,,,,,"));
        final Path outDir = dir.resolve("out");

        assertEquals(0, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString(),
            "--rules", rules.toString(), "--set", "time.out.of.orderness=0s"), errors());

        assertEquals(List.of(
            "line,engineSeq,windowId,window,key,windowStart,windowEnd,count,sum,min,max,mean,update",
            "5,4,0,account-10s,1,2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,2,400,100,300,200.00,false",
            "5,4,0,account-10s,2,2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,1,50,50,50,50.00,false",
            "6,5,0,account-10s,1,2026-01-01T00:00:00Z,2026-01-01T00:00:10Z,3,600,100,300,200.00,true",
            "7,6,0,account-10s,1,2026-01-01T00:00:10Z,2026-01-01T00:00:20Z,1,700,700,700,700.00,false",
            "9,8,0,account-10s,2,2026-01-01T00:00:20Z,2026-01-01T00:00:30Z,1,10,10,10,10.00,false"),
            Files.readAllLines(outDir.resolve("windows.csv")));
        assertEquals(List.of(
            "line,engineSeq,windowId,window,key,eventTime,watermark,reason",
            "8,7,0,account-10s,1,2026-01-01T00:00:03Z,2026-01-01T00:00:19.999999999Z,BEYOND_ALLOWED_LATENESS"),
            Files.readAllLines(outDir.resolve("late.csv")));
        assertEquals(List.of("APPROVE", "APPROVE", "APPROVE", "DECLINE", "APPROVE", "APPROVE", "DECLINE"),
            Files.readAllLines(outDir.resolve("decisions.csv")).stream().skip(1)
                .map(line -> line.split(",", -1)[8]).toList(),
            "a late event is still judged by the rules");
        assertTrue(output().contains("windows   5 result(s), 1 of them update(s); 1 late event(s)"), output());
        assertTrue(output().contains("inputs    8: 7 transaction(s), 0 order(s), 1 heartbeat(s)"), output());
    }

    @Test
    void decidesAsJournalImportThenJournalReplayDo() throws IOException
    {
        final Path csv = write("generated.csv", generated(3_000));
        final Path outDir = dir.resolve("out");
        assertEquals(0, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString(), SMALL_STATE),
            errors());
        final String replayVerdicts = verdicts(output());

        final Path dataDir = dir.resolve("data");
        assertEquals(0, VigilMain.execute("journal", "import", "--csv", csv.toString(), "--data-dir",
            dataDir.toString()), errors());
        out.reset();
        final Path journalDecisions = dir.resolve("journal-decisions.csv");
        assertEquals(0, VigilMain.execute("journal", "replay", "--data-dir", dataDir.toString(), SMALL_STATE,
            "--out", journalDecisions.toString()), errors());
        assertEquals(verdicts(output()), replayVerdicts);

        final RuleSet rules = RuleSetFactory.fromConfig(VigilConfig.builder().build());
        // engineSeq,clientId,clientSeq,type,verdict,firedRules (a bitmap of rule ids)
        final List<String> expected = Files.readAllLines(journalDecisions).stream().skip(1)
            .map(line -> line.split(","))
            .map(cells -> cells[0] + "," + cells[3] + "," + cells[4] + "," + names(rules, Long.parseLong(cells[5])))
            .toList();
        // line,engineSeq,eventTime,type,account,card,merchant,instrument,verdict,firedRules
        final List<String> actual = Files.readAllLines(outDir.resolve("decisions.csv")).stream().skip(1)
            .map(line -> line.split(",", -1))
            .map(cells -> cells[1] + "," + cells[3] + "," + cells[8] + "," + cells[9])
            .toList();
        assertTrue(expected.size() > 2_500, "most lines are transactions or orders: " + expected.size());
        for (final String verdict : List.of(",APPROVE,", ",REVIEW,", ",DECLINE,"))
        {
            assertTrue(expected.stream().anyMatch(line -> line.contains(verdict)), "some decisions are" + verdict);
        }
        assertTrue(expected.stream().map(line -> line.substring(line.lastIndexOf(',') + 1)).distinct().count() > 4,
            "several rules fire, alone and together");
        assertEquals(expected, actual);
    }

    @Test
    void stopsAtALineItCannotReadNamingFileAndLineAndLeavesNoOutputs() throws IOException
    {
        final Path csv = write("bad.csv", List.of(HEADER,
            "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,DE,,,,",
            "2026-01-01T00:00:01Z,transaction,1,10,100,-5,EUR,DE,,,,",
            "2026-01-01T00:00:02Z,order,4,,,,,,5,buy,10100,0",
            "2026-01-01T00:00:03Z,transaction,1,10,100,7000,EUR,DE,,,,"));
        final Path outDir = dir.resolve("out");

        assertEquals(2, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString()));
        assertTrue(errors().contains(
            "vigil replay: " + csv + ":3: column 'amount' has '-5'; allowed: a whole number, not negative"), errors());
        try (var files = Files.list(outDir))
        {
            assertEquals(0, files.count(), "a failed run leaves no half outputs");
        }

        err.reset();
        out.reset();
        assertEquals(1, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString(),
            "--skip-bad-lines"), errors());
        assertEquals(List.of(
            "line,reason,message",
            "3,BAD_LINE,\"" + csv + ":3: column 'amount' has '-5'; allowed: a whole number, not negative\"",
            "4,INVALID_FIELD," + csv + ":4: refused by the engine's input checks: INVALID_FIELD"),
            Files.readAllLines(outDir.resolve("rejected.csv")));
        assertEquals(List.of("2,1", "5,2"), Files.readAllLines(outDir.resolve("decisions.csv")).stream().skip(1)
            .map(line -> line.substring(0, line.indexOf(',', line.indexOf(',') + 1))).toList(),
            "lines 2 and 5 decided, as engine seq 1 and 2");
        assertTrue(output().contains("rejected  2 line(s) (all in rejected.csv)"), output());
        assertTrue(output().contains("    " + csv + ":4: refused by the engine's input checks: INVALID_FIELD"),
            output());
        assertTrue(output().contains("decisions 2: approve 2"), output());
    }

    /**
     * Lines go to the rules stage in batches, which looks ahead over their keyed state: the outputs are those of one
     * line at a time all the same, and lines refused by the engine and lines skipped as unreadable are listed in file
     * order across batches.
     */
    @Test
    void writesTheSameWithOrWithoutLookingAheadAndKeepsFileOrderAcrossBatches() throws IOException
    {
        final List<String> lines = generated(2_000);
        for (int line = 40; line < lines.size(); line += 97)
        {
            // Every other such line refused by the engine (quantity 0), the others unreadable.
            lines.set(line, line % 2 == 0 ? "2026-01-01T00:00:00Z,order,4,,,,,,5,buy,10100,0" :
                "2026-01-01T00:00:00Z,transaction,1,10,100,-5,EUR,DE,,,,");
        }
        lines.add(time(200_000) + ",heartbeat,,,,,,,,,,");
        final Path csv = write("generated.csv", lines);
        final Path rules = write("windows.yaml", List.of(
            "rules:",
            "  - {id: 1, name: account-velocity, type: velocity, key: account, window: {size: 60s, slide: 1s}, " +
                "parameters: {max-count: 3}, action: review}",
            "windows:",
            "  - {id: 0, name: account-5s, type: tumbling, key: account, size: 5s, allowed-lateness: 1s}"));

        final Path ahead = dir.resolve("ahead");
        final Path alone = dir.resolve("alone");
        assertEquals(1, VigilMain.execute("replay", "--input", csv.toString(), "--out", ahead.toString(),
            "--rules", rules.toString(), "--skip-bad-lines", "--set", "rules.lookahead=16"), errors());
        assertEquals(1, VigilMain.execute("replay", "--input", csv.toString(), "--out", alone.toString(),
            "--rules", rules.toString(), "--skip-bad-lines", "--set", "rules.lookahead=0"), errors());
        for (final String file : List.of("decisions.csv", "alerts.csv", "windows.csv", "late.csv", "rejected.csv"))
        {
            assertEquals(Files.readString(alone.resolve(file)), Files.readString(ahead.resolve(file)), file);
        }
        assertTrue(Files.readAllLines(ahead.resolve("windows.csv")).size() > 100, "windows fired");
        assertTrue(Files.readAllLines(ahead.resolve("alerts.csv")).size() > 100, "rules fired");

        final List<String> rejected = Files.readAllLines(ahead.resolve("rejected.csv"));
        final List<Integer> rejectedLines = rejected.stream().skip(1)
            .map(line -> Integer.parseInt(line.substring(0, line.indexOf(',')))).toList();
        assertEquals(rejectedLines.stream().sorted().toList(), rejectedLines, "file order");
        assertTrue(rejected.stream().filter(line -> line.contains(",BAD_LINE,")).count() > 5, rejected.toString());
        assertTrue(rejected.stream().filter(line -> line.contains(",INVALID_FIELD,")).count() > 5, rejected.toString());
    }

    /**
     * On two threads (one reading, one running the rules and writing) the outputs are those of one thread, byte for
     * byte, over several laps of the ring, with lines refused by the engine and lines skipped as unreadable in file
     * order; a line that cannot be read stops both threads, and no thread is left running.
     */
    @Test
    void writesTheSameOnOneThreadAndOnTwo() throws IOException
    {
        final List<String> lines = generated(6_000);
        for (int line = 40; line < lines.size(); line += 89)
        {
            lines.set(line, line % 2 == 0 ? "2026-01-01T00:00:00Z,order,4,,,,,,5,buy,10100,0" :
                "2026-01-01T00:00:00Z,transaction,1,10,100,-5,EUR,DE,,,,");
        }
        // Unreadable lines in a row, and last: written after the events before them, before the next, or at the end.
        lines.set(3_000, "not,a,line");
        lines.set(3_001, "2026-01-01T00:00:00Z,transaction,1,10,100,-6,EUR,DE,,,,");
        lines.add(time(400_000) + ",heartbeat,,,,,,,,,,");
        lines.add("2026-01-01T00:00:00Z,transaction,1,10,100,-7,EUR,DE,,,,");
        final Path csv = write("generated.csv", lines);
        final Path rules = write("windows.yaml", List.of(
            "rules:",
            "  - {id: 1, name: account-velocity, type: velocity, key: account, window: {size: 60s, slide: 1s}, " +
                "parameters: {max-count: 3}, action: review}",
            "windows:",
            "  - {id: 0, name: account-5s, type: tumbling, key: account, size: 5s, allowed-lateness: 1s}"));

        final Path one = dir.resolve("one");
        final Path two = dir.resolve("two");
        assertEquals(1, VigilMain.execute("replay", "--input", csv.toString(), "--out", one.toString(),
            "--rules", rules.toString(), "--skip-bad-lines", "--threads", "1"), errors());
        assertEquals(1, VigilMain.execute("replay", "--input", csv.toString(), "--out", two.toString(),
            "--rules", rules.toString(), "--skip-bad-lines", "--threads", "2"), errors());
        assertNoReplayThread();
        for (final String file : List.of("decisions.csv", "alerts.csv", "windows.csv", "late.csv", "rejected.csv"))
        {
            assertArrayEquals(Files.readAllBytes(one.resolve(file)), Files.readAllBytes(two.resolve(file)), file);
        }
        final List<String> summaryOne = Files.readAllLines(one.resolve("summary.txt"));
        final List<String> summaryTwo = Files.readAllLines(two.resolve("summary.txt"));
        assertEquals(summaryOne.subList(1, summaryOne.size() - 1), summaryTwo.subList(1, summaryTwo.size() - 1),
            "the summary but for its timing line and the directory written");
        final List<String> rejected = Files.readAllLines(two.resolve("rejected.csv"));
        assertTrue(rejected.stream().filter(line -> line.contains(",BAD_LINE,")).count() > 30, rejected.toString());
        assertTrue(rejected.stream().filter(line -> line.contains(",INVALID_FIELD,")).count() > 30,
            rejected.toString());
        assertTrue(rejected.get(rejected.size() - 1).startsWith(lines.size() + ",BAD_LINE,"), "the last line last");
        final String decisions = Files.readString(two.resolve("decisions.csv"));
        assertTrue(decisions.contains(",order,"), "orders decided");
        assertTrue(summaryTwo.get(1).contains(" order(s), ") && !summaryTwo.get(1).contains(" 0 heartbeat(s)"),
            summaryTwo.get(1));
        assertTrue(Files.readAllLines(two.resolve("windows.csv")).size() > 100, "windows fired");

        err.reset();
        assertEquals(2, VigilMain.execute("replay", "--input", csv.toString(), "--out", dir.resolve("stop").toString(),
            "--rules", rules.toString(), "--threads", "2"));
        assertTrue(errors().contains("vigil replay: " + csv + ":130: column 'amount' has '-5'"), errors());
        assertNoReplayThread();
        try (var files = Files.list(dir.resolve("stop")))
        {
            assertEquals(0, files.count(), "a failed run leaves no half outputs");
        }

        err.reset();
        assertEquals(2, VigilMain.execute("replay", "--input", csv.toString(), "--out", dir.resolve("three").toString(),
            "--threads", "3"));
        assertTrue(errors().contains("--threads: 3 is not allowed; use 1 or 2"), errors());
    }

    @Test
    void refusesToOverwriteAnEarlierRunUnlessForced() throws IOException
    {
        final Path csv =
            write("events.csv", List.of(HEADER, "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,DE,,,,"));
        final Path outDir = dir.resolve("out");
        assertEquals(0, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString()), errors());
        final String decisions = Files.readString(outDir.resolve("decisions.csv"));

        err.reset();
        assertEquals(2, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString()));
        assertTrue(errors().contains("--out " + outDir + ": holds decisions.csv, alerts.csv, windows.csv, late.csv, " +
            "rejected.csv, summary.txt from an earlier run; choose another directory, or --force to overwrite them"),
            errors());
        assertEquals(decisions, Files.readString(outDir.resolve("decisions.csv")), "left as it was");

        assertEquals(0, VigilMain.execute("replay", "--input", csv.toString(), "--out", outDir.toString(), "--force"),
            errors());
        assertEquals(decisions, Files.readString(outDir.resolve("decisions.csv")));

        err.reset();
        assertEquals(2, VigilMain.execute("replay", "--input", dir.resolve("missing.csv").toString(), "--out",
            dir.resolve("other").toString()));
        assertTrue(errors().contains("--input " + dir.resolve("missing.csv") + ": no such file"), errors());
        assertFalse(Files.exists(dir.resolve("other")), "nothing made for a run that cannot start");

        err.reset();
        assertEquals(2, VigilMain.execute("replay", "--out", outDir.toString()));
        assertTrue(errors().contains("Missing required option: '--input=FILE'"), errors());
    }

    @Test
    void hasHelp()
    {
        assertEquals(0, VigilMain.execute("replay", "--help"));
        assertTrue(output().contains("Usage: vigil replay") && output().contains("--skip-bad-lines") &&
            output().contains("--rules=FILE") && output().contains("--threads=N"), output());
    }

    private static void assertNoReplayThread()
    {
        assertFalse(Thread.getAllStackTraces().keySet().stream()
            .anyMatch(thread -> thread.getName().equals("vigil-replay-rules") && thread.isAlive()),
            "the rules thread has ended when the command returns");
    }

    private Path write(final String name, final List<String> lines) throws IOException
    {
        return Files.write(dir.resolve(name), lines);
    }

    private static String verdicts(final String output)
    {
        final Matcher matcher = Pattern.compile("decisions [\\d,]+: approve [\\d,]+ +review [\\d,]+ +decline [\\d,]+")
            .matcher(output);
        assertTrue(matcher.find(), output);
        return matcher.group();
    }

    private static String names(final RuleSet rules, final long firedRules)
    {
        final List<String> names = new ArrayList<>();
        for (long bits = firedRules; bits != 0; bits &= bits - 1)
        {
            final Rule rule = rules.ruleById(Long.numberOfTrailingZeros(bits));
            names.add(rule.name());
        }
        return String.join(";", names);
    }

    private static String time(final long millisAfterStart)
    {
        return START.plusMillis(millisAfterStart).toString();
    }

    /**
     * A varied, valid file: transactions of 20 accounts with now and then a large amount, a small one, another
     * country or merchant; orders around a price; heartbeats; event time mostly rising, sometimes a little back.
     */
    private static List<String> generated(final int count)
    {
        final List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        long seed = 42;
        long millis = 0;
        for (int i = 0; i < count; i++)
        {
            seed = seed * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L;
            final int r = (int)((seed >>> 33) & 0x7fff_ffff);
            millis += 40 + r % 50;
            final long eventMillis = r % 23 == 0 ? millis - 1_500 : millis;
            final int account = 1 + r % 20;
            if (r % 11 == 0)
            {
                lines.add(String.format(Locale.ROOT, "%s,order,%d,,,,,,%d,%s,%d,%d", time(eventMillis), account,
                    1 + r % 3, r % 2 == 0 ? "buy" : "sell", 10_000 + r % 900, 1 + r % 50));
            }
            else if (r % 37 == 0)
            {
                lines.add(time(eventMillis) + ",heartbeat,,,,,,,,,,");
            }
            else
            {
                final long amount = r % 97 == 0 ? 2_000_000 : r % 13 == 0 ? 150 : 100 + r % 40_000;
                lines.add(String.format(Locale.ROOT, "%s,transaction,%d,%d,%d,%d,EUR,%s,,,,", time(eventMillis),
                    account, account * 10 + r % 2, 100 + r % 30, amount, r % 17 == 0 ? "FR" : "DE"));
            }
        }
        return lines;
    }
}
