package dev.vigil.core.rules.expr;

import dev.vigil.codecs.MessageHeaderDecoder;
import dev.vigil.codecs.MessageHeaderEncoder;
import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.OrderEncoder;
import dev.vigil.codecs.OrderType;
import dev.vigil.codecs.PaymentChannel;
import dev.vigil.codecs.Side;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.codecs.TransactionEncoder;
import dev.vigil.codecs.Verdict;
import dev.vigil.core.window.WindowInput;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The expression language: every field, operator and precedence level evaluated over real flyweights, and every
 * kind of error naming its column and what is allowed.
 */
class ExpressionTest
{
    private static final ExprScope TRANSACTIONS = ExprScope.fieldsOf(WindowInput.TRANSACTIONS);
    private static final ExprScope ORDERS = ExprScope.fieldsOf(WindowInput.ORDERS);
    private static final List<ExprScope.RuleRef> RULES = List.of(
        new ExprScope.RuleRef(0, "amount-threshold", Set.of(WindowInput.TRANSACTIONS)),
        new ExprScope.RuleRef(2, "order-rate", Set.of(WindowInput.ORDERS)),
        new ExprScope.RuleRef(3, "amount-sum", Set.of(WindowInput.TRANSACTIONS)),
        new ExprScope.RuleRef(12, "atm-abroad", Set.of(WindowInput.TRANSACTIONS)));
    /** The condition of rule 12, which may see rules 0 and 3. */
    private static final ExprScope RULE_12 = ExprScope.ruleCondition(WindowInput.TRANSACTIONS, 12, RULES);

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private final TransactionEncoder transactionEncoder = new TransactionEncoder();
    private final TransactionDecoder transactionDecoder = new TransactionDecoder();
    private final OrderEncoder orderEncoder = new OrderEncoder();
    private final OrderDecoder orderDecoder = new OrderDecoder();
    private final EventFields fields = new EventFields();

    @Test
    void readsEveryFieldOfATransaction()
    {
        payment(25_000, "EUR", "FR", PaymentChannel.ATM);
        assertHolds("amount == 25000 and amount == 250.00");
        assertHolds("currency == EUR and country == FR and channel == ATM");
        assertHolds("merchant == 4242 and account == 7 and card == 71");
        assertHolds("event-time == 1000000000");
        assertHolds("channel == atm", "channel names are not case sensitive");
        assertFails("currency == USD or country == GB or channel == POS");
    }

    @Test
    void readsEveryFieldOfAnOrder()
    {
        order(10_100, 20, Side.SELL, OrderType.LIMIT);
        final Condition condition = Condition.compile("price == 10100 and quantity == 20 and notional == 202000 and " +
            "side == SELL and order-type == LIMIT and account == 9 and instrument == 5 and event-time == 2000", ORDERS);
        assertTrue(condition.test(fields));
        assertFalse(Condition.compile("side == BUY or order-type == MARKET", ORDERS).test(fields));
    }

    @Test
    void comparesWithEveryOperator()
    {
        payment(200, "EUR", "DE", PaymentChannel.POS);
        assertHolds("amount == 200 and amount != 201 and amount < 201 and amount <= 200 and amount > 199 and " +
            "amount >= 200");
        assertFails("amount != 200");
        assertFails("amount < 200");
        assertFails("amount <= 199");
        assertFails("amount > 200");
        assertFails("amount >= 201");
        assertHolds("100 < amount and 200 >= amount", "a constant on the left");
        assertHolds("amount + 1 > amount and card - 1 == account * 10", "fields on both sides");
        assertHolds("channel != ATM and currency != USD and country != GB");
    }

    @Test
    void testsMembershipOfSmallAndLargeSets()
    {
        payment(500, "EUR", "IT", PaymentChannel.ECOM);
        assertHolds("country in [FR, DE, IT]");
        assertFails("country not in [FR, DE, IT]");
        assertHolds("country not in [GB]");
        assertHolds("amount in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 500, 11]", "a sorted set searched");
        assertFails("amount in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 501, 11]");
        assertHolds("amount in [5.00]", "decimals in a list of amounts");
        assertHolds("channel in [ECOM, MOTO] and currency in [EUR]");
        assertHolds("amount - 600 in [-100]", "negative values in a list");
    }

    @Test
    void combinesConditionsWithAndOrNotAndParentheses()
    {
        payment(25_000, "GBP", "GB", PaymentChannel.ATM);
        assertHolds("channel == ATM and country == GB");
        assertFails("channel == ATM and country != GB");
        assertHolds("channel == POS or country == GB");
        assertFails("channel == POS or country != GB");
        assertHolds("not channel == POS");
        assertHolds("not (currency == EUR)");
        assertHolds("not not channel == ATM");
        assertHolds("((channel == ATM))");
        assertHolds("country in [FR, DE, IT] or not (currency == EUR)");
    }

    @Test
    void bindsAsTheGrammarSays()
    {
        payment(100, "EUR", "DE", PaymentChannel.POS);
        // 'and' binds tighter than 'or': true or (false and false).
        assertHolds("amount == 100 or amount == 1 and amount == 2");
        // Parentheses change it: (true or false) and false.
        assertFails("(amount == 100 or amount == 1) and amount == 2");
        // 'not' binds tighter than 'and', looser than a comparison: (not false) and true.
        assertHolds("not amount == 1 and amount == 100");
        assertFails("not (amount == 1 or amount == 100)");
        // '*' binds tighter than '+' and '-', which go left to right.
        assertHolds("1 + 2 * 3 == 7 and amount - 10 - 20 == 70 and 2 * 3 * 4 == 24");
        assertHolds("(1 + 2) * 3 == 9 and -amount == -100 and - -amount == 100 and 2 * -3 == -6");
    }

    @Test
    void arithmeticSaturatesInsteadOfWrapping()
    {
        order(Long.MAX_VALUE / 2, 3, Side.BUY, OrderType.LIMIT);
        assertTrue(Condition.compile("price * quantity > 1000000", ORDERS).test(fields), "the product overflows");
        assertTrue(Condition.compile("price * quantity == 9223372036854775807", ORDERS).test(fields));
        assertTrue(Condition.compile("notional == 9223372036854775807", ORDERS).test(fields));
        assertTrue(Condition.compile("-price * quantity == -9223372036854775807 - 1", ORDERS).test(fields));
        assertTrue(Condition.compile("price + price + price == 9223372036854775807", ORDERS).test(fields));
        assertTrue(Condition.compile("0 - price - price - price - price == -9223372036854775807 - 1", ORDERS)
            .test(fields));
        payment(1, "EUR", "DE", PaymentChannel.POS);
        assertHolds("9223372036854775807 + amount == 9223372036854775807");
        assertHolds("-(-9223372036854775807 - amount - 1) == 9223372036854775807", "negating the minimum");
    }

    @Test
    void decimalAmountsAreMinorUnitsWithTwoDecimals()
    {
        payment(20_000, "EUR", "DE", PaymentChannel.POS);
        assertHolds("amount >= 200.00 and amount < 200.01 and amount == 200_00");
        assertHolds("amount + 0.50 == 200.50 and amount - 1.00 == 19900");
        assertEquals(Condition.compile("amount >= 200.00", TRANSACTIONS).canonical(),
            Condition.compile("amount >= 20000", TRANSACTIONS).canonical(), "the same condition");
        assertNotEquals(Condition.compile("amount >= 200.00", TRANSACTIONS).canonical(),
            Condition.compile("amount > 20000", TRANSACTIONS).canonical());
    }

    @Test
    void seesTheOutcomeOfRulesWithLowerIds()
    {
        payment(100, "EUR", "DE", PaymentChannel.POS);
        final Condition fired = Condition.compile("fired(amount-threshold) and not fired(3)", RULE_12);
        assertFalse(fired.test(fields.outcomeSoFar(0, Verdict.APPROVE.value())));
        assertTrue(fired.test(fields.outcomeSoFar(1L, Verdict.DECLINE.value())));
        assertFalse(fired.test(fields.outcomeSoFar(1L | 1L << 3, Verdict.DECLINE.value())));
        final Condition verdict = Condition.compile("verdict >= review", RULE_12);
        assertFalse(verdict.test(fields.outcomeSoFar(0, Verdict.APPROVE.value())));
        assertTrue(verdict.test(fields.outcomeSoFar(0, Verdict.REVIEW.value())));
        assertTrue(verdict.test(fields.outcomeSoFar(0, Verdict.DECLINE.value())));
        assertTrue(Condition.compile("verdict == approve and verdict < DECLINE", RULE_12)
            .test(fields.outcomeSoFar(0, Verdict.APPROVE.value())));
        assertEquals("(fired(amount-threshold#0) and not fired(amount-sum#3))", fired.canonical());
    }

    @Test
    void valuesAreTypedExpressions()
    {
        order(300, 7, Side.BUY, OrderType.MARKET);
        final ValueExpression notional = ValueExpression.compile("price * quantity", ORDERS);
        assertEquals(2_100, notional.value(fields));
        assertEquals(ExprType.NUMBER, notional.type());
        payment(1_234, "EUR", "NL", PaymentChannel.POS);
        final ValueExpression country = ValueExpression.compile("country", TRANSACTIONS);
        assertEquals(ExprType.COUNTRY, country.type());
        assertEquals(('N' << 8) | 'L', country.value(fields));
        assertEquals(ExprType.AMOUNT, ValueExpression.compile("amount * 2", TRANSACTIONS).type());
        assertEquals(2_468, ValueExpression.compile("amount * 2", TRANSACTIONS).value(fields));
        assertEquals(ExprType.NUMBER, ValueExpression.compile("amount * amount", TRANSACTIONS).type());
    }

    @Test
    void syntaxErrorsNameTheColumnAndWhatIsAllowed()
    {
        assertProblem("", TRANSACTIONS, 1, "the expression is empty", "a field, a number");
        assertProblem("amount > ", TRANSACTIONS, 10, "the expression ends where a value belongs", "a field");
        assertProblem("amount = 5", TRANSACTIONS, 8, "'=' alone", "'==' to compare");
        assertProblem("amount > 5 && card == 1", TRANSACTIONS, 12, "'&'", "the word 'and'");
        assertProblem("amount > 5 || card == 1", TRANSACTIONS, 12, "'|'", "the word 'or'");
        assertProblem("! (amount > 5)", TRANSACTIONS, 1, "'!' alone", "the word 'not'");
        assertProblem("amount > 5 ; 3", TRANSACTIONS, 12, "unexpected character ';'", "names, numbers");
        assertProblem("(amount > 5", TRANSACTIONS, 12, "expected ')' to close the '(' at column 1, found the end",
            "')'");
        assertProblem("amount > 5)", TRANSACTIONS, 11, "')' without a matching '('", "and, or");
        assertProblem("amount > 5 card", TRANSACTIONS, 12, "expected an operator or the end, found 'card'", "and, or");
        assertProblem("1 < amount < 9", TRANSACTIONS, 12, "comparisons do not chain", "'and' between");
        assertProblem("country in FR", TRANSACTIONS, 12, "expected '[' after 'in', found 'FR'", "a list of values");
        assertProblem("country in [FR DE]", TRANSACTIONS, 16, "expected ',' or ']' in the list, found 'DE'",
            "values separated by ','");
        assertProblem("amount in [1 + 2]", TRANSACTIONS, 14, "expected ',' or ']'", "values separated");
        assertProblem("amount in [(1)]", TRANSACTIONS, 12, "expected a value in the list, found '('", "constants");
        assertProblem("amount > 10s", TRANSACTIONS, 12, "'s' right after the number '10'", "a whole number");
        assertProblem("amount > 99999999999999999999", TRANSACTIONS, 10, "the number 99999999999999999999 is too " +
            "large", "a whole number up to 9223372036854775807");
        assertProblem("amount > 200.5", TRANSACTIONS, 10, "the amount 200.5 does not have two decimals",
            "exactly two decimals");
        assertProblem("fired(amount-threshold", RULE_12, 23, "expected ')' after the rule in fired(...)", "one rule");
        assertProblem("fired(>)", RULE_12, 7, "expected a rule's name or id in fired(...), found '>'", "fired(rule");
        assertProblem("amount > and", TRANSACTIONS, 10, "expected a value, found 'and'", "a field, a number");
    }

    @Test
    void typeErrorsNameTheColumnAndWhatIsAllowed()
    {
        assertProblem("amt > 5", TRANSACTIONS, 1, "unknown field 'amt' of transactions",
            "amount, currency, country, channel, merchant, account, card, event-time");
        assertProblem("amount-100 > 5", TRANSACTIONS, 1, "unknown field 'amount-100' of transactions (a '-' inside " +
            "a name is part of it: put spaces around '-' to subtract)", "amount, currency");
        assertProblem("price > 5", TRANSACTIONS, 1, "unknown field 'price' of transactions", "amount, currency");
        assertProblem("amount > 5", ORDERS, 1, "unknown field 'amount' of orders",
            "price, quantity, notional, side, order-type, account, instrument, event-time");
        assertProblem("channel == ATMX", TRANSACTIONS, 12, "'ATMX' is not a channel", "POS, ECOM, ATM, MOTO, OTHER");
        assertProblem("country == gb", TRANSACTIONS, 12, "'gb' is not a country", "two upper-case letters");
        assertProblem("currency in [EUR, EU]", TRANSACTIONS, 19, "'EU' is not a currency", "three upper-case letters");
        assertProblem("side == BUY and order-type == STOP", ORDERS, 31, "'STOP' is not an order type",
            "LIMIT, MARKET");
        assertProblem("channel == 2", TRANSACTIONS, 9, "cannot compare channel (a channel) with 2 (a number)",
            "channel == ATM");
        assertProblem("country == currency", TRANSACTIONS, 9, "cannot compare country (a country) with currency",
            "country != GB");
        assertProblem("channel > ATM", TRANSACTIONS, 9, "'>' on a channel: a channel has no order",
            "==, !=, in [...] and not in [...] for a channel");
        assertProblem("amount", TRANSACTIONS, 1, "amount is an amount where a condition belongs", "a comparison");
        assertProblem("amount > 5 and 3", TRANSACTIONS, 16, "3 is a number where a condition belongs", "a comparison");
        assertProblem("(amount > 5) + 1 > 2", TRANSACTIONS, 9, "a condition where a value belongs", "a field");
        assertProblem("channel + 1 > 2", TRANSACTIONS, 9, "'+' on channel (a channel)", "'+', '-' and '*' on numbers");
        assertProblem("-country == GB", TRANSACTIONS, 1, "'-' on country (a country)", "'-' on numbers");
        assertProblem("amount in [1, card]", TRANSACTIONS, 15, "card in a list", "constants");
        assertProblem("channel in [ATM, 3]", TRANSACTIONS, 18, "3 (a number) in a list for channel (a channel)",
            "values of a channel");
        assertProblem("price > 2.00", ORDERS, 7, "the amount 2.00 meets price (a number)", "a whole number (200");
        assertProblem("amount * 1.50 > 5", TRANSACTIONS, 8, "'*' with the amount 1.50", "a whole number as a factor");
        assertProblem("1.00 == 1.00", TRANSACTIONS, 6, "the amount 1.00 meets 1.00 (another literal)",
            "a whole number");
        assertProblem("ATM == GB", TRANSACTIONS, 1, "unknown field 'ATM'", "or a value such as ATM or GB compared");
    }

    @Test
    void outcomesAreOnlyKnownToRulesAndOnlyOfEarlierRules()
    {
        assertProblem("fired(amount-threshold)", TRANSACTIONS, 1, "fired(amount-threshold) outside a rule's where:",
            "fields of transactions only");
        assertProblem("verdict == review", TRANSACTIONS, 1, "verdict outside a rule's where:", "fields of");
        assertProblem("fired(velocity)", RULE_12, 1, "fired(velocity): no rule has that name or id",
            "fired(rule) of a rule with a lower id than this one's that judges transactions");
        assertProblem("fired(atm-abroad)", RULE_12, 1, "fired(atm-abroad): rule 12 runs after this rule (id 12); " +
            "rules run in id order", "a rule with a lower id");
        assertProblem("fired(order-rate)", RULE_12, 1, "fired(order-rate): that rule does not judge transactions",
            "a rule with a lower id");
        assertProblem("verdict == ATM", RULE_12, 12, "'ATM' is not a verdict", "approve, review, decline");
    }

    @Test
    void reportsEveryTypeErrorOfAnExpression()
    {
        final ExprException ex = assertThrows(ExprException.class,
            () -> Condition.compile("amt > 1 and channel == ATMX or country > GB", TRANSACTIONS));
        assertEquals(3, ex.problems().size(), ex.problems().toString());
        assertEquals(List.of(1, 24, 40), ex.problems().stream().map(ExprException.Problem::column).toList());
    }

    @Test
    void canonicalFormsAreParenthesisedAndIndependentOfSpacing()
    {
        final Condition a = Condition.compile("channel == atm and country != GB or amount > 1_000", TRANSACTIONS);
        final Condition b = Condition.compile(" channel==ATM  and (country != GB) or amount > 1000 ", TRANSACTIONS);
        assertEquals("((channel == ATM and country != GB) or amount > 1000)", a.canonical());
        assertEquals(a.canonical(), b.canonical());
        assertEquals("channel == atm and country != GB or amount > 1_000", a.text());
    }

    private void assertHolds(final String text)
    {
        assertHolds(text, text);
    }

    private void assertHolds(final String text, final String why)
    {
        assertTrue(Condition.compile(text, TRANSACTIONS).test(fields), why);
    }

    private void assertFails(final String text)
    {
        assertFalse(Condition.compile(text, TRANSACTIONS).test(fields), text);
    }

    private static void assertProblem(
        final String text, final ExprScope scope, final int column, final String problem, final String allowed)
    {
        final ExprException ex = assertThrows(ExprException.class, () -> Condition.compile(text, scope), text);
        final ExprException.Problem first = ex.problems().get(0);
        assertTrue(first.problem().contains(problem), text + " -> " + first.problem());
        assertTrue(first.allowed().contains(allowed), text + " -> allowed: " + first.allowed());
        assertEquals(column, first.column(), text + " -> " + first.describe());
    }

    private void payment(final long amount, final String currency, final String country, final PaymentChannel channel)
    {
        transactionEncoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .clientId(1).clientSeq(1).eventTimeNs(1_000_000_000L).clientSendTimeNs(0).txnId(1)
            .accountId(7).cardId(71).merchantId(4_242).amountMinor(amount)
            .currency(currency).country(country).channel(channel);
        transactionDecoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        fields.transaction(transactionDecoder);
    }

    private void order(final long price, final long quantity, final Side side, final OrderType type)
    {
        orderEncoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .clientId(1).clientSeq(1).eventTimeNs(2_000).clientSendTimeNs(0).orderId(1)
            .accountId(9).instrumentId(5).price(price).quantity(quantity).side(side).orderType(type);
        orderDecoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
        fields.order(orderDecoder);
    }
}
