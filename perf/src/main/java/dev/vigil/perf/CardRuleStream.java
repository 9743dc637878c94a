package dev.vigil.perf;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.ring.RingEvent;
import dev.vigil.core.ring.RuleAlerts;
import dev.vigil.core.rules.RuleEvaluator;
import dev.vigil.core.rules.config.RuleSetBuilder;
import dev.vigil.core.rules.config.RulesFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * One windowed rule over cards, as {@link ThresholdRuleBenchmark} and {@link ThresholdPairProbe} run it: built from
 * its rules file text, judged by a {@link RuleEvaluator} over 16 pre-encoded transactions (half at an ATM, a quarter
 * in the United Kingdom: {@code channel == ATM and country != GB} holds for half) patched with the card and an event
 * time 10 ms after the previous one. Every card is known once built.
 * <ul>
 *   <li>{@code velocity}: {@code type: velocity}, key card, window 60 s sliding by 1 s, more than 10.</li>
 *   <li>{@code threshold}: the same as {@code type: threshold, aggregate: count}, no where.</li>
 *   <li>{@code filtered}: that threshold rule behind
 *   {@code where: channel in [ATM, POS, ECOM] and country != CH and amount >= 1.00}, which every event meets.</li>
 *   <li>{@code filtered-half}: behind {@code where: channel == ATM and country != GB}, which half the events meet.</li>
 *   <li>{@code filtered-attribute}: as {@code filtered} with {@code home_country != CH} for {@code country != CH},
 *   {@code home_country} an attribute (id 2) keeping each card's first country: every event meets it too, and each
 *   pays for the attribute's own record.</li>
 * </ul>
 */
final class CardRuleStream
{
    static final String[] RULES = {"velocity", "threshold", "filtered", "filtered-half", "filtered-attribute"};

    private static final int FRAMES = 16;
    private static final long STEP_NS = 10_000_000L;
    private static final ByteOrder ORDER = TransactionDecoder.BYTE_ORDER;
    private static final int TIME_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.eventTimeNsEncodingOffset();
    private static final int CARD_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.cardIdEncodingOffset();
    private static final String WINDOW = "    key: card\n    window: {size: 60s, slide: 1s}\n    action: review\n";
    private static final String THRESHOLD = "    type: threshold\n    aggregate: count\n    above: 10\n" + WINDOW;

    private final UnsafeBuffer[] frames = new UnsafeBuffer[FRAMES];
    private final TransactionDecoder[] decoders = new TransactionDecoder[FRAMES];
    private final RuleAlerts alerts = new RingEvent(256).alerts();
    private final RuleEvaluator evaluator;
    private long eventTimeNs = BenchmarkFrames.BASE_EVENT_TIME_NS;
    private int next;

    /**
     * @param rule     which rule, one of {@link #RULES}.
     * @param keyCount distinct cards, each judged once here.
     */
    CardRuleStream(final String rule, final int keyCount)
    {
        final String rules = "rules:\n  - id: 1\n    name: r\n" + ruleText(rule);
        evaluator = new RuleEvaluator(new RuleSetBuilder(keyCount).build(RulesFile.parse(rule, rules), null),
            Verdict.REVIEW);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final TransactionEncoder encoder = new TransactionEncoder();
        for (int i = 0; i < FRAMES; i++)
        {
            frames[i] = new UnsafeBuffer(new byte[256]);
            encoder.wrapAndApplyHeader(frames[i], 0, header)
                .clientId(1).clientSeq(i).eventTimeNs(0).clientSendTimeNs(0).txnId(i).accountId(1).cardId(1)
                .merchantId(1 + i).amountMinor(BenchmarkFrames.SMALL_AMOUNT_MINOR).currency("EUR")
                .country((i & 3) == 3 ? "GB" : "FR").channel((i & 1) == 0 ? PaymentChannel.ATM : PaymentChannel.POS);
            decoders[i] = new TransactionDecoder().wrapAndApplyHeader(frames[i], 0, new MessageHeaderDecoder());
        }
        for (int card = 1; card <= keyCount; card++)
        {
            judge(card);
        }
    }

    private static String ruleText(final String rule)
    {
        switch (rule)
        {
            case "velocity":
                return "    type: velocity\n    parameters: {max-count: 10}\n" + WINDOW;
            case "threshold":
                return THRESHOLD;
            case "filtered":
                return "    where: channel in [ATM, POS, ECOM] and country != CH and amount >= 1.00\n" + THRESHOLD;
            case "filtered-half":
                return "    where: channel == ATM and country != GB\n" + THRESHOLD;
            case "filtered-attribute":
                return "    where: channel in [ATM, POS, ECOM] and home_country != CH and amount >= 1.00\n" +
                    THRESHOLD +
                    "  - {id: 2, name: home_country, type: attribute, key: card, keep: first, value: country}\n";
            default:
                throw new IllegalArgumentException("rule=" + rule + "; allowed: " + String.join(", ", RULES));
        }
    }

    /**
     * @param card the card of the next transaction.
     * @return the rules it fired.
     */
    long judge(final long card)
    {
        final int i = next;
        next = (i + 1) & (FRAMES - 1);
        eventTimeNs += STEP_NS;
        frames[i].putLong(TIME_OFFSET, eventTimeNs, ORDER);
        frames[i].putLong(CARD_OFFSET, card, ORDER);
        evaluator.evaluate(decoders[i], alerts);
        return evaluator.firedRules();
    }
}
