package dev.vigil.core.rules;

import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.core.TestFrames;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DistinctMerchantsRuleTest
{
    private static final long SEC = 1_000_000_000L;
    private static final long WINDOW_NS = 60 * SEC;

    private final TestFrames frames = new TestFrames();
    private final TransactionEncoder patch = new TransactionEncoder();
    private final RuleHit hit = new RuleHit();
    private final DistinctMerchantsRule rule = newRule(3, 16);
    private long clientSeq;

    @Test
    void firesOnTheFourthDistinctMerchantWithinTheWindow()
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, 0, 100));
        assertEquals(RuleResult.PASSED, pay(rule, 7, SEC, 101));
        assertEquals(RuleResult.PASSED, pay(rule, 7, 2 * SEC, 100), "a merchant seen before counts once");
        assertEquals(RuleResult.PASSED, pay(rule, 7, 3 * SEC, 102));
        assertEquals(RuleResult.FIRED, pay(rule, 7, 4 * SEC, 103));
        assertEquals(7, hit.key());
        assertEquals(4, hit.observed());
        assertEquals(3, hit.threshold());
        assertEquals(4 * SEC - WINDOW_NS + 1, hit.windowStartNs());
        assertEquals(4 * SEC + 1, hit.windowEndNs());
    }

    @Test
    void staysSilentWhenMerchantsFallOutOfTheWindowOrBelongToOtherAccounts()
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, 0, 100));
        assertEquals(RuleResult.PASSED, pay(rule, 7, SEC, 101));
        assertEquals(RuleResult.PASSED, pay(rule, 8, SEC, 102), "another account");
        assertEquals(RuleResult.PASSED, pay(rule, 7, 2 * SEC, 103));
        assertEquals(RuleResult.PASSED, pay(rule, 7, WINDOW_NS, 104), "merchant 100, seen at 0, has left the window");
        assertEquals(RuleResult.FIRED, pay(rule, 7, WINDOW_NS + SEC - 1, 105), "101, 103, 104, 105");
    }

    @Test
    void aRepeatedMerchantKeepsItsPlaceAndALateEventBeyondTheWindowPasses()
    {
        assertEquals(RuleResult.PASSED, pay(rule, 7, 0, 100));
        assertEquals(RuleResult.PASSED, pay(rule, 7, 50 * SEC, 100), "refreshes merchant 100");
        assertEquals(RuleResult.PASSED, pay(rule, 7, 70 * SEC, 101));
        assertEquals(RuleResult.PASSED, pay(rule, 7, 71 * SEC, 102));
        assertEquals(RuleResult.FIRED, pay(rule, 7, 72 * SEC, 103), "100 was last seen at 50 s, inside the window");
        assertEquals(RuleResult.PASSED, pay(rule, 7, 5 * SEC, 200), "too late for the account's newest window");
    }

    @Test
    void agreesWithAReferenceModelOnRandomTraffic()
    {
        final DistinctMerchantsRule small = newRule(2, 64);
        final Map<Long, Map<Long, Long>> lastSeenByAccount = new HashMap<>();
        final Map<Long, Long> newestByAccount = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(7);
        long timeNs = 0;
        for (int i = 0; i < 20_000; i++)
        {
            timeNs += random.nextLong(3 * SEC);
            final long eventTimeNs = timeNs - random.nextLong(10 * SEC);
            final long account = 1 + random.nextInt(5);
            final long merchant = 1 + random.nextInt(8);

            final long newest = Math.max(newestByAccount.getOrDefault(account, Long.MIN_VALUE), eventTimeNs);
            final int expected;
            if (eventTimeNs <= newest - WINDOW_NS)
            {
                expected = RuleResult.PASSED;
            }
            else
            {
                newestByAccount.put(account, newest);
                final Map<Long, Long> lastSeen = lastSeenByAccount.computeIfAbsent(account, a -> new HashMap<>());
                lastSeen.merge(merchant, eventTimeNs, Math::max);
                final long live = lastSeen.values().stream().filter(t -> t > newest - WINDOW_NS).count();
                expected = live > 2 ? RuleResult.FIRED : RuleResult.PASSED;
            }
            assertEquals(expected, pay(small, account, eventTimeNs, merchant), "event " + i);
        }
    }

    @Test
    void stateSurvivesASnapshot() throws IOException
    {
        pay(rule, 7, 0, 100);
        pay(rule, 7, SEC, 101);
        pay(rule, 7, 2 * SEC, 102);
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        rule.writeState(new DataOutputStream(bytes));
        final DistinctMerchantsRule restored = newRule(3, 16);
        restored.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

        assertEquals(RuleResult.FIRED, pay(restored, 7, 3 * SEC, 103));
        assertEquals(RuleResult.PASSED, pay(restored, 9, 3 * SEC, 103));
    }

    @Test
    void stateFullForANewAccountOnceFull()
    {
        final DistinctMerchantsRule tiny = newRule(3, 1);
        assertEquals(RuleResult.PASSED, pay(tiny, 7, 0, 100));
        assertEquals(RuleResult.STATE_FULL, pay(tiny, 8, 0, 100));
    }

    private static DistinctMerchantsRule newRule(final int maxMerchants, final int maxKeys)
    {
        return new DistinctMerchantsRule(
            9, "distinct-merchants", RuleAction.REVIEW, TransactionKey.ACCOUNT, maxMerchants, WINDOW_NS, maxKeys);
    }

    private int pay(
        final DistinctMerchantsRule target, final long account, final long timeNs, final long merchant)
    {
        frames.transaction(1, ++clientSeq, timeNs, account, 100);
        patch.wrap(frames.buffer(), MessageHeaderEncoder.ENCODED_LENGTH).merchantId(merchant);
        return target.onTransaction(frames.decodeTransaction(), hit);
    }
}
