package dev.vigil.app;

import dev.vigil.app.engine.EngineErrors;
import dev.vigil.client.ReplyListener;
import dev.vigil.client.VigilClient;
import dev.vigil.codecs.Verdict;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.vigil.app.EndToEndTest.sendUntilAccepted;
import static dev.vigil.core.counters.EngineCounter.RULE_ERRORS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rule that throws inside the running engine: the engine keeps deciding, the faulty rule's events get the
 * fallback verdict while the other rules still judge them, and the error is counted and logged.
 */
@Timeout(60)
class FaultyRuleTest
{
    private static final long T0 = 1_767_225_600_000_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void aRuleThatThrowsCannotStopTheEngine()
    {
        final String rules = TestRules.setting(dataDir, "rules.yaml", TestRules.amountThreshold(1_000_000) +
            "  - id: 5\n" +
            "    name: faulty\n" +
            "    type: custom\n" +
            "    class: dev.vigil.app.rules.custom.FaultyRule\n" +
            "    parameters: {bad-amount: 13}\n" +
            "    action: decline\n");
        try (EngineHarness harness = EngineHarness.start(dataDir, rules, "rules.state.full.verdict=review");
            VigilClient client = harness.connect(71))
        {
            final long[] amounts = {10, 13, 2_000_000, 13, 20};
            final List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < amounts.length; i++)
            {
                seqs.add(sendUntilAccepted(client, T0 + i, i, 4, amounts[i]));
            }
            final Map<Long, String> decisions = new HashMap<>();
            final ReplyListener listener =
                decision -> decisions.put(decision.clientSeq(), decision.verdict() + "/" + decision.firedRules());
            assertTrue(EngineHarness.await(() -> decisions.size() == amounts.length, () -> client.poll(listener, 10),
                10_000), () -> "decisions: " + decisions);

            assertEquals(List.of(Verdict.APPROVE + "/0", Verdict.REVIEW + "/0", Verdict.DECLINE + "/1",
                Verdict.REVIEW + "/0", Verdict.APPROVE + "/0"), seqs.stream().map(decisions::get).toList(),
                "the faulty rule's events get the fallback verdict; the threshold rule still judges every event");
            assertEquals(2, harness.engine().counters().get(RULE_ERRORS).get());
            assertEquals(2, harness.errors().size(), () -> "errors passed on: " + harness.errors());
            assertTrue(harness.errors().peek().getMessage().contains("rule 5 'faulty' threw"),
                () -> harness.errors().peek().toString());
        }

        final MappedByteBuffer log = IoUtil.mapExistingFile(dataDir.resolve(EngineErrors.FILE_NAME).toFile(), "log");
        try
        {
            final List<String> entries = new ArrayList<>();
            ErrorLogReader.read(new UnsafeBuffer(log),
                (count, firstMs, lastMs, text) -> entries.add(count + " " + text));
            assertTrue(entries.stream().anyMatch(entry -> entry.startsWith(
                "2 java.lang.IllegalStateException: rule 5 'faulty' threw") &&
                entry.contains("no rule for an amount of 13")), () -> entries.toString());
        }
        finally
        {
            IoUtil.unmap(log);
        }
    }
}
