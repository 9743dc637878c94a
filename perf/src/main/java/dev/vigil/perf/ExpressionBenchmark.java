package dev.vigil.perf;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.core.rules.expr.Condition;
import dev.vigil.core.rules.expr.EventFields;
import dev.vigil.core.rules.expr.ExprScope;
import dev.vigil.core.window.WindowInput;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Cost of evaluating one {@code where:} condition over one event, in the two forms a compiled condition could take:
 * {@code tree}, the tree of small final nodes the rules use ({@link Condition}), or {@code flat}, an int-coded
 * program run by one switch loop over a preallocated {@code long[]} stack ({@link FlatProgram}, assembled by hand
 * for these conditions). Events cycle through 64 of each kind, varied so that every branch is taken.
 * {@code profile=one} measures a JVM that has only ever run this condition (its nodes' calls inline);
 * {@code profile=many} one that first ran a dozen other conditions and the other programs, as an engine with many
 * rules does, so that the nodes' calls and the program's switch have seen many kinds.
 * <ul>
 *   <li>{@code atm-abroad}: {@code channel == ATM and country != GB and amount >= 200.00}</li>
 *   <li>{@code countries}: {@code country in [FR, DE, IT] or not (currency == EUR)}</li>
 *   <li>{@code notional}: {@code price * quantity > 1000000}, over orders</li>
 * </ul>
 * Run:
 * <pre>
 * ./vigil jmh ExpressionBenchmark -prof gc -f 1 -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-XX:+UseParallelGC"})
@State(Scope.Thread)
public class ExpressionBenchmark
{
    private static final int EVENTS = 64;
    private static final long GB = ('G' << 8) | 'B';
    private static final long EUR = ((long)'E' << 16) | ('U' << 8) | 'R';
    private static final String[] COUNTRIES = {"GB", "FR", "DE", "IT", "US"};
    private static final String[] CURRENCIES = {"EUR", "GBP", "USD"};
    private static final PaymentChannel[] CHANNELS = {PaymentChannel.ATM, PaymentChannel.POS, PaymentChannel.ECOM};
    private static final long[] AMOUNTS = {50, 20_000, 150_000};

    /** Which condition. */
    @Param({"atm-abroad", "countries", "notional"})
    public String expression;

    /** {@code tree}: the nodes the rules use; {@code flat}: an int-coded program over a long[] stack. */
    @Param({"tree", "flat"})
    public String form;

    /** {@code one}: only this condition ever ran; {@code many}: others ran first, as with many rules. */
    @Param({"one", "many"})
    public String profile;

    private final TransactionDecoder[] transactions = new TransactionDecoder[EVENTS];
    private final OrderDecoder[] orders = new OrderDecoder[EVENTS];
    private final EventFields fields = new EventFields();
    private Condition condition;
    private FlatProgram program;
    private boolean tree;
    private int next;

    /**
     * Encodes the events and compiles the condition in the form measured.
     */
    @Setup(Level.Trial)
    public void setup()
    {
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final TransactionEncoder transaction = new TransactionEncoder();
        final OrderEncoder order = new OrderEncoder();
        for (int i = 0; i < EVENTS; i++)
        {
            final UnsafeBuffer txnBuffer = new UnsafeBuffer(new byte[256]);
            transaction.wrapAndApplyHeader(txnBuffer, 0, headerEncoder)
                .clientId(1).clientSeq(i).eventTimeNs(i).clientSendTimeNs(i).txnId(i).accountId(i).cardId(i)
                .merchantId(i).amountMinor(AMOUNTS[i % AMOUNTS.length]).currency(CURRENCIES[(i / 3) % 3])
                .country(COUNTRIES[(i / 2) % COUNTRIES.length]).channel(CHANNELS[(i / 5) % CHANNELS.length]);
            transactions[i] = new TransactionDecoder().wrapAndApplyHeader(txnBuffer, 0, new MessageHeaderDecoder());
            final UnsafeBuffer orderBuffer = new UnsafeBuffer(new byte[256]);
            order.wrapAndApplyHeader(orderBuffer, 0, headerEncoder)
                .clientId(1).clientSeq(i).eventTimeNs(i).clientSendTimeNs(i).orderId(i).accountId(i)
                .instrumentId(i).price(100 + 37 * i).quantity(1 + 211 * (i % 9)).side(Side.BUY)
                .orderType(OrderType.LIMIT);
            orders[i] = new OrderDecoder().wrapAndApplyHeader(orderBuffer, 0, new MessageHeaderDecoder());
        }
        tree = "tree".equals(form);
        if ("many".equals(profile))
        {
            runOthers();
        }
        compile(expression);
        for (int i = 0; i < EVENTS; i++)
        {
            fields.transaction(transactions[i]).order(orders[i]);
            if (condition.test(fields) != program.test(transactions[i], orders[i]))
            {
                throw new IllegalStateException("the two forms disagree on event " + i + " of " + expression);
            }
        }
    }

    /**
     * Runs every condition and program, and a dozen other conditions, many times: the profile of an engine with many
     * rules.
     */
    private void runOthers()
    {
        final String[] others = {
            "amount > 100 and currency == EUR", "channel in [ATM, POS] or amount < 50", "not (country == GB)",
            "amount * 2 - 100 >= 20000", "currency not in [EUR, GBP] and country in [US, FR]",
            "card == 3 or merchant != 7", "-amount < -60 and event-time >= 0", "country == DE or country == IT"};
        long met = 0;
        for (final String text : others)
        {
            final Condition other = Condition.compile(text, ExprScope.fieldsOf(WindowInput.TRANSACTIONS));
            for (int i = 0; i < 200_000; i++)
            {
                met += other.test(fields.transaction(transactions[i & (EVENTS - 1)])) ? 1 : 0;
            }
        }
        for (final String name : new String[]{"atm-abroad", "countries", "notional"})
        {
            compile(name);
            for (int i = 0; i < 200_000; i++)
            {
                final int e = i & (EVENTS - 1);
                met += condition.test(fields.transaction(transactions[e]).order(orders[e])) ? 1 : 0;
                met += program.test(transactions[e], orders[e]) ? 1 : 0;
            }
        }
        if (met == 0)
        {
            throw new IllegalStateException("no condition was ever met");
        }
    }

    private void compile(final String name)
    {
        switch (name)
        {
            case "atm-abroad":
                condition = Condition.compile("channel == ATM and country != GB and amount >= 200.00",
                    ExprScope.fieldsOf(WindowInput.TRANSACTIONS));
                program = new FlatProgram(new int[]{
                    FlatProgram.CHANNEL, FlatProgram.CONST, 0, FlatProgram.EQ, FlatProgram.JUMP_IF_FALSE_OR_POP, 10,
                    FlatProgram.COUNTRY, FlatProgram.CONST, 1, FlatProgram.NE,
                    FlatProgram.JUMP_IF_FALSE_OR_POP, 16, FlatProgram.AMOUNT, FlatProgram.CONST, 2, FlatProgram.GE},
                    new long[]{PaymentChannel.ATM.value(), GB, 20_000}, new long[0][], 2);
                break;
            case "countries":
                condition = Condition.compile("country in [FR, DE, IT] or not (currency == EUR)",
                    ExprScope.fieldsOf(WindowInput.TRANSACTIONS));
                program = new FlatProgram(new int[]{
                    FlatProgram.COUNTRY, FlatProgram.IN, 0, FlatProgram.JUMP_IF_TRUE_OR_POP, 10,
                    FlatProgram.CURRENCY, FlatProgram.CONST, 0, FlatProgram.EQ, FlatProgram.NOT},
                    new long[]{EUR}, new long[][]{{('D' << 8) | 'E', ('F' << 8) | 'R', ('I' << 8) | 'T'}}, 2);
                break;
            default:
                condition = Condition.compile("price * quantity > 1000000", ExprScope.fieldsOf(WindowInput.ORDERS));
                program = new FlatProgram(new int[]{
                    FlatProgram.PRICE, FlatProgram.QUANTITY, FlatProgram.MUL, FlatProgram.CONST, 0, FlatProgram.GT},
                    new long[]{1_000_000}, new long[0][], 2);
                break;
        }
    }

    /**
     * @return whether the next event meets the condition.
     */
    @Benchmark
    public boolean evaluate()
    {
        final int i = next;
        next = (i + 1) & (EVENTS - 1);
        if (tree)
        {
            return condition.test(fields.transaction(transactions[i]).order(orders[i]));
        }
        return program.test(transactions[i], orders[i]);
    }
}
