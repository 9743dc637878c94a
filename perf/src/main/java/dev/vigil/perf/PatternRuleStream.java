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

import java.util.SplittableRandom;

/**
 * One card rule over payments, as {@link PatternRuleBenchmark} and {@link PatternPairProbe} run it: the built-in card
 * testing rule, or a sequence pattern written in a rules file, judged by a {@link RuleEvaluator}.
 * <p>
 * The payments, 4,096 pre-encoded and taken in turn (each pass later in event time), go to the cards at random, one
 * second of event time apart with up to 30 s of disorder; a third are small (≤ 2.00), a third large (≥ 1,000.00), a
 * third in between; half are e-commerce, one in five at home (GB). Keyed state lives in process memory.
 * <ul>
 *   <li>{@code card-testing}: the built-in rule, 2.00 then 1,000.00 within 10 minutes.</li>
 *   <li>{@code card-testing-pattern}: the same written as a two-step pattern.</li>
 *   <li>{@code three-steps}: a small payment abroad, then an online one with no payment at home between, then a
 *   large one, within 10 minutes: four conditions, a {@code not-between}.</li>
 * </ul>
 */
final class PatternRuleStream
{
    static final String[] RULES = {"card-testing", "card-testing-pattern", "three-steps"};

    private static final int POOL = 4096;
    private static final int FRAME = 128;
    private static final long SEC = 1_000_000_000L;
    private static final int EVENT_TIME_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + TransactionEncoder.eventTimeNsEncodingOffset();

    private static final String CARD_TESTING = "rules:\n" +
        "  - {id: 5, name: card-testing, type: card-testing, action: decline,\n" +
        "     parameters: {small-max: 200, large-min: 100000, within: 10m}}\n";
    private static final String CARD_TESTING_PATTERN = "rules:\n" +
        "  - {id: 5, name: card-testing, type: pattern, key: card, action: decline,\n" +
        "     pattern: {steps: [{where: amount <= 2.00}, {where: amount >= 1000.00}], within: 10m, max-events: 7}}\n";
    private static final String THREE_STEPS = "rules:\n" +
        "  - id: 5\n" +
        "    name: probe-online-then-large\n" +
        "    type: pattern\n" +
        "    key: card\n" +
        "    pattern:\n" +
        "      steps:\n" +
        "        - where: amount <= 2.00 and country != GB\n" +
        "        - where: channel == ECOM and amount < 1000.00\n" +
        "          not-between: country == GB\n" +
        "        - where: amount >= 1000.00\n" +
        "      within: 10m\n" +
        "      max-events: 7\n" +
        "    action: decline\n";

    private final UnsafeBuffer frames = new UnsafeBuffer(new byte[POOL * FRAME]);
    private final TransactionDecoder[] payments = new TransactionDecoder[POOL];
    private final long[] eventTimesNs = new long[POOL];
    private final RuleAlerts alerts = new RingEvent(256).alerts();
    private final RuleEvaluator evaluator;
    private int next;
    private long cycleNs;

    /**
     * @param rule  one of {@link #RULES}.
     * @param cards distinct cards.
     */
    PatternRuleStream(final String rule, final int cards)
    {
        final String yaml = switch (rule)
        {
            case "card-testing" -> CARD_TESTING;
            case "card-testing-pattern" -> CARD_TESTING_PATTERN;
            case "three-steps" -> THREE_STEPS;
            default -> throw new IllegalArgumentException("rule=" + rule + "; allowed: " + String.join(", ", RULES));
        };
        evaluator = new RuleEvaluator(new RuleSetBuilder(cards).build(RulesFile.parse(rule, yaml), null),
            Verdict.DECLINE);
        final SplittableRandom random = new SplittableRandom(42);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final TransactionEncoder encoder = new TransactionEncoder();
        for (int i = 0; i < POOL; i++)
        {
            final int kind = random.nextInt(3);
            final long amount = kind == 0 ? 50 + random.nextInt(150) : kind == 1 ? 150_000 : 5_000;
            eventTimesNs[i] = (i + 30) * SEC - random.nextInt(30) * SEC;
            encoder.wrapAndApplyHeader(frames, i * FRAME, header)
                .clientId(1).clientSeq(i + 1).eventTimeNs(eventTimesNs[i]).clientSendTimeNs(0)
                .txnId(i + 1).accountId(random.nextInt(cards)).cardId(random.nextInt(cards)).merchantId(1)
                .amountMinor(amount).currency("EUR").country(random.nextInt(5) == 0 ? "GB" : "FR")
                .channel(random.nextBoolean() ? PaymentChannel.ECOM : PaymentChannel.POS);
            payments[i] = new TransactionDecoder().wrapAndApplyHeader(frames, i * FRAME, new MessageHeaderDecoder());
        }
    }

    /**
     * Judge the next payment.
     *
     * @return the rules it fired.
     */
    long judgeNext()
    {
        final int i = next;
        // Each pass over the pool is later in event time than the one before, as a live stream is.
        frames.putLong(i * FRAME + EVENT_TIME_OFFSET, eventTimesNs[i] + cycleNs);
        next = (i + 1) & (POOL - 1);
        if (next == 0)
        {
            cycleNs += POOL * SEC;
        }
        // Alerts beyond the list's capacity are ignored: one list serves every payment, as a reused ring slot would.
        evaluator.evaluate(payments[i], alerts);
        return evaluator.firedRules();
    }
}
