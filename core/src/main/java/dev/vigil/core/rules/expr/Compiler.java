package dev.vigil.core.rules.expr;

import dev.vigil.core.window.WindowInput;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Resolves the names of a parsed expression, checks its types and builds the tree of nodes it is evaluated with,
 * once, at load. Constant parts are folded. Every type error is collected (an operand with an error is not
 * checked further, so one mistake is reported once), then thrown together.
 * <p>
 * A name is a field of the scope's messages; where it is not, and the other side of a comparison or the operand of
 * {@code in} has a symbolic type, it is a value of that type ({@code ATM}, {@code GB}). Decimal literals are amounts
 * written with two decimals, and so may only meet {@code amount} (in a comparison, an {@code in} list, {@code +} or
 * {@code -}): elsewhere it would not be clear which units they are in.
 */
final class Compiler
{
    private static final String CONDITION =
        "a comparison such as amount > 100, fired(rule), or conditions joined by and, or, not";

    /** A compiled value and what the checks need to know about it; {@code type} null after an error. */
    private record Operand(LongNode node, ExprType type, boolean constant, long value, boolean decimal, String text)
    {
        static final Operand FAILED = new Operand(null, null, false, 0, false, "?");

        static Operand constant(final ExprType type, final long value, final boolean decimal, final String text)
        {
            return new Operand(new ArithmeticNodes.Constant(value), type, true, value, decimal, text);
        }

        /**
         * @return the operand as messages show it: a decimal literal as an amount with two decimals.
         */
        String shown()
        {
            if (!decimal)
            {
                return text;
            }
            final long units = Math.abs(value / 100);
            final long cents = Math.abs(value % 100);
            return (value < 0 ? "-" : "") + units + "." + (cents < 10 ? "0" : "") + cents;
        }
    }

    /** A compiled condition; {@code node} null after an error. */
    private record Predicate(BoolNode node, String text)
    {
        static final Predicate FAILED = new Predicate(null, "?");
    }

    private final ExprScope scope;
    private final List<ExprException.Problem> problems = new ArrayList<>();
    private final Set<ExprScope.AttributeRef> attributesRead = new LinkedHashSet<>();

    private Compiler(final ExprScope scope)
    {
        this.scope = scope;
    }

    /**
     * @param text  a condition.
     * @param scope what it may refer to.
     * @return the condition, compiled.
     * @throws ExprException with every problem found.
     */
    static Condition condition(final String text, final ExprScope scope)
    {
        final Compiler compiler = new Compiler(scope);
        final Predicate predicate = compiler.predicate(Parser.parse(text));
        compiler.throwProblems();
        return new Condition(predicate.node(), text, compiler.canonical(predicate.text()));
    }

    /**
     * @param text  a value: a number, an amount or a symbolic value.
     * @param scope what it may refer to.
     * @return the value, compiled.
     * @throws ExprException with every problem found.
     */
    static ValueExpression value(final String text, final ExprScope scope)
    {
        final Compiler compiler = new Compiler(scope);
        final Syntax syntax = Parser.parse(text);
        final Operand operand = compiler.operand(syntax, null);
        compiler.checkNotDecimal(operand, syntax);
        compiler.throwProblems();
        return new ValueExpression(operand.node(), operand.type(), text, compiler.canonical(operand.text()));
    }

    /**
     * The canonical form names the definitions of the attributes read, so that an expression reading an attribute
     * that changed is not the same expression any more.
     */
    private String canonical(final String text)
    {
        final StringBuilder canonical = new StringBuilder(text);
        for (final ExprScope.AttributeRef attribute : attributesRead)
        {
            canonical.append(" with {").append(attribute.definition()).append('}');
        }
        return canonical.toString();
    }

    private void throwProblems()
    {
        if (!problems.isEmpty())
        {
            throw new ExprException(problems);
        }
    }

    private void problem(final Syntax where, final String problem, final String allowed)
    {
        problems.add(new ExprException.Problem(where.column(), problem, allowed));
    }

    private Predicate predicate(final Syntax syntax)
    {
        if (syntax instanceof Syntax.Logical logical)
        {
            final Predicate left = predicate(logical.left());
            final Predicate right = predicate(logical.right());
            if (left.node() == null || right.node() == null)
            {
                return Predicate.FAILED;
            }
            final String text = "(" + left.text() + (logical.and() ? " and " : " or ") + right.text() + ")";
            return new Predicate(logical.and() ?
                new LogicNodes.And(left.node(), right.node()) : new LogicNodes.Or(left.node(), right.node()), text);
        }
        if (syntax instanceof Syntax.Not not)
        {
            final Predicate operand = predicate(not.operand());
            return operand.node() == null ?
                Predicate.FAILED : new Predicate(new LogicNodes.Not(operand.node()), "not " + operand.text());
        }
        if (syntax instanceof Syntax.Comparison comparison)
        {
            return comparison(comparison);
        }
        if (syntax instanceof Syntax.Membership membership)
        {
            return membership(membership);
        }
        if (syntax instanceof Syntax.Fired fired)
        {
            return fired(fired);
        }
        final Operand operand = operand(syntax, null);
        if (operand.type() != null)
        {
            problem(syntax, operand.text() + " is " + operand.type().noun() + " where a condition belongs", CONDITION);
        }
        return Predicate.FAILED;
    }

    private Predicate comparison(final Syntax.Comparison comparison)
    {
        final Operand left;
        final Operand right;
        // A value such as ATM takes its type from the other side; when that side has an error, it is not read.
        if (isSymbolName(comparison.left()) && !isSymbolName(comparison.right()))
        {
            right = operand(comparison.right(), null);
            left = right.type() == null ? Operand.FAILED : operand(comparison.left(), right.type());
        }
        else
        {
            left = operand(comparison.left(), null);
            right = left.type() == null && isSymbolName(comparison.right()) ?
                Operand.FAILED : operand(comparison.right(), left.type());
        }
        if (left.type() == null || right.type() == null)
        {
            return Predicate.FAILED;
        }
        final CompareOp op = comparison.op();
        if (!left.type().comparesWith(right.type()))
        {
            problem(comparison, "cannot compare " + left.text() + " (" + left.type().noun() + ") with " +
                right.text() + " (" + right.type().noun() + ")", "values of one kind on both sides, e.g. " +
                example(left.type()));
            return Predicate.FAILED;
        }
        if (op.isOrdering() && !left.type().isOrdered())
        {
            problem(comparison, "'" + op.symbol() + "' on " + left.type().noun() + ": " +
                left.type().noun() + " has no order", "==, !=, in [...] and not in [...] for " + left.type().noun());
            return Predicate.FAILED;
        }
        if (!checkDecimalMeetsAmount(left, right, comparison) || !checkDecimalMeetsAmount(right, left, comparison))
        {
            return Predicate.FAILED;
        }
        final String text = left.text() + " " + op.symbol() + " " + right.text();
        if (left.constant() && right.constant())
        {
            return new Predicate(new LogicNodes.Constant(op.holds(left.value(), right.value())), text);
        }
        if (right.constant())
        {
            return new Predicate(CompareNodes.compare(op, left.node(), right.value()), text);
        }
        if (left.constant())
        {
            return new Predicate(CompareNodes.compare(op.swapped(), right.node(), left.value()), text);
        }
        return new Predicate(CompareNodes.compare(op, left.node(), right.node()), text);
    }

    private Predicate membership(final Syntax.Membership membership)
    {
        final Operand operand = operand(membership.operand(), null);
        final long[] values = new long[membership.items().size()];
        final StringBuilder text = new StringBuilder();
        boolean failed = operand.type() == null;
        for (int i = 0; i < values.length; i++)
        {
            final Syntax itemSyntax = membership.items().get(i);
            final Operand item = operand.type() == null && isSymbolName(itemSyntax) ?
                Operand.FAILED : operand(itemSyntax, operand.type());
            if (item.type() == null || operand.type() == null)
            {
                failed = true;
                continue;
            }
            if (!item.constant())
            {
                problem(itemSyntax, item.text() + " in a list", "constants: numbers, or values such as ATM or GB");
                failed = true;
            }
            else if (!item.type().comparesWith(operand.type()))
            {
                problem(itemSyntax, item.text() + " (" + item.type().noun() + ") in a list for " +
                    operand.text() + " (" + operand.type().noun() + ")", "values of " + operand.type().noun() +
                    ", e.g. " + example(operand.type()));
                failed = true;
            }
            else if (!checkDecimalMeetsAmount(item, operand, itemSyntax))
            {
                failed = true;
            }
            values[i] = item.value();
            text.append(i == 0 ? "" : ", ").append(item.text());
        }
        if (operand.decimal())
        {
            problem(membership.operand(), "the amount " + operand.shown() + " is on the left of 'in'",
                "a field or an expression on the left of 'in'");
            failed = true;
        }
        if (failed)
        {
            return Predicate.FAILED;
        }
        final BoolNode in = CompareNodes.in(operand.node(), values);
        final String written = operand.text() + (membership.negated() ? " not in [" : " in [") + text + "]";
        return new Predicate(membership.negated() ? new LogicNodes.Not(in) : in, written);
    }

    private Predicate fired(final Syntax.Fired fired)
    {
        final String allowed = "fired(rule) of a rule with a lower id than this one's that judges " +
            lower(scope.input());
        if (!scope.knowsOutcomes())
        {
            problem(fired, "fired(" + fired.rule() + ") outside a rule's where:",
                "fields of " + lower(scope.input()) + " only: windows and values do not see rules' outcomes");
            return Predicate.FAILED;
        }
        ExprScope.RuleRef target = null;
        for (final ExprScope.RuleRef rule : scope.rules())
        {
            if (rule.name().equals(fired.rule()) || Integer.toString(rule.id()).equals(fired.rule()))
            {
                target = rule;
            }
        }
        if (target == null)
        {
            problem(fired, "fired(" + fired.rule() + "): no rule has that name or id", allowed);
            return Predicate.FAILED;
        }
        if (target.id() >= scope.ruleId())
        {
            problem(fired, "fired(" + fired.rule() + "): rule " + target.id() + " runs after this rule (id " +
                scope.ruleId() + "); rules run in id order", allowed);
            return Predicate.FAILED;
        }
        if (!target.inputs().contains(scope.input()))
        {
            problem(fired, "fired(" + fired.rule() + "): that rule does not judge " + lower(scope.input()), allowed);
            return Predicate.FAILED;
        }
        return new Predicate(new LogicNodes.Fired(target.id()), "fired(" + target.name() + "#" + target.id() + ")");
    }

    /**
     * @param expected the type a name that is not a field is read as; null when there is none.
     */
    private Operand operand(final Syntax syntax, final ExprType expected)
    {
        if (syntax instanceof Syntax.Name name)
        {
            return name(name, expected);
        }
        if (syntax instanceof Syntax.IntegerLiteral literal)
        {
            return Operand.constant(ExprType.NUMBER, literal.value(), false, Long.toString(literal.value()));
        }
        if (syntax instanceof Syntax.DecimalLiteral literal)
        {
            return Operand.constant(ExprType.AMOUNT, literal.minorUnits(), true, Long.toString(literal.minorUnits()));
        }
        if (syntax instanceof Syntax.Negation negation)
        {
            return negation(negation);
        }
        if (syntax instanceof Syntax.Arithmetic arithmetic)
        {
            return arithmetic(arithmetic);
        }
        if (predicate(syntax).node() != null)
        {
            problem(syntax, "a condition where a value belongs", "a field, a number, or arithmetic of them");
        }
        return Operand.FAILED;
    }

    private Operand name(final Syntax.Name name, final ExprType expected)
    {
        final EventField field = EventField.of(name.name(), scope.input());
        if (field != null)
        {
            return new Operand(field.node(), field.type(), false, 0, false, field.fieldName());
        }
        if ("verdict".equals(name.name()))
        {
            if (!scope.knowsOutcomes())
            {
                problem(name, "verdict outside a rule's where:",
                    "fields of " + lower(scope.input()) + " only: windows and values do not see rules' outcomes");
                return Operand.FAILED;
            }
            return new Operand(new FieldNodes.VerdictSoFar(), ExprType.VERDICT, false, 0, false, "verdict");
        }
        final ExprScope.AttributeRef attribute = scope.attribute(name.name());
        if (attribute != null)
        {
            if (attribute.input() != scope.input())
            {
                problem(name, "attribute '" + attribute.name() + "' is kept over " + lower(attribute.input()) +
                    ", not " + lower(scope.input()), "attributes kept over " + lower(scope.input()));
                return Operand.FAILED;
            }
            attributesRead.add(attribute);
            return new Operand(new FieldNodes.Attribute(attribute.id()), attribute.type(), false, 0, false,
                attribute.name() + "#" + attribute.id());
        }
        if (expected != null && expected.isSymbolic())
        {
            final long code = expected.symbol(name.name());
            if (code == ExprType.NO_SYMBOL)
            {
                problem(name, "'" + name.name() + "' is not " + expected.noun(), expected.symbols());
                return Operand.FAILED;
            }
            return Operand.constant(expected, code, false, expected.format(code));
        }
        final String hint = name.name().indexOf('-') > 0 ? " (a '-' inside a name is part of it: put spaces " +
            "around '-' to subtract)" : "";
        problem(name, "unknown field '" + name.name() + "' of " + lower(scope.input()) + hint,
            String.join(", ", EventField.namesOf(scope.input())) + (scope.knowsOutcomes() ? ", verdict" : "") +
            attributeNames() + ", or a value such as ATM or GB compared with a field");
        return Operand.FAILED;
    }

    private Operand negation(final Syntax.Negation negation)
    {
        final Operand operand = operand(negation.operand(), null);
        if (operand.type() == null)
        {
            return Operand.FAILED;
        }
        if (!operand.type().isNumeric())
        {
            problem(negation, "'-' on " + operand.text() + " (" + operand.type().noun() + ")", "'-' on numbers");
            return Operand.FAILED;
        }
        if (operand.constant())
        {
            final long value = Saturating.negate(operand.value());
            return Operand.constant(operand.type(), value, operand.decimal(), Long.toString(value));
        }
        return new Operand(new ArithmeticNodes.Negate(operand.node()), operand.type(), false, 0, false,
            "-" + operand.text());
    }

    private Operand arithmetic(final Syntax.Arithmetic arithmetic)
    {
        final Operand left = operand(arithmetic.left(), null);
        final Operand right = operand(arithmetic.right(), null);
        if (left.type() == null || right.type() == null)
        {
            return Operand.FAILED;
        }
        final char op = arithmetic.op();
        for (final Operand side : List.of(left, right))
        {
            if (!side.type().isNumeric())
            {
                problem(arithmetic, "'" + op + "' on " + side.text() + " (" + side.type().noun() + ")",
                    "'+', '-' and '*' on numbers and amounts");
                return Operand.FAILED;
            }
        }
        if (op == '*' && (left.decimal() || right.decimal()))
        {
            problem(arithmetic, "'*' with the amount " + (left.decimal() ? left.shown() : right.shown()),
                "a whole number as a factor, e.g. amount * 2");
            return Operand.FAILED;
        }
        if (!checkDecimalMeetsAmount(left, right, arithmetic) || !checkDecimalMeetsAmount(right, left, arithmetic))
        {
            return Operand.FAILED;
        }
        final int amounts = (left.type() == ExprType.AMOUNT ? 1 : 0) + (right.type() == ExprType.AMOUNT ? 1 : 0);
        final ExprType type = (op == '*' ? amounts == 1 : amounts > 0) ? ExprType.AMOUNT : ExprType.NUMBER;
        final String text = "(" + left.text() + " " + op + " " + right.text() + ")";
        if (left.constant() && right.constant())
        {
            return Operand.constant(type, apply(op, left.value(), right.value()), false, text);
        }
        final LongNode node = op == '+' ? new ArithmeticNodes.Add(left.node(), right.node()) :
            op == '-' ? new ArithmeticNodes.Subtract(left.node(), right.node()) :
            new ArithmeticNodes.Multiply(left.node(), right.node());
        return new Operand(node, type, false, 0, false, text);
    }

    private static long apply(final char op, final long left, final long right)
    {
        return op == '+' ? Saturating.add(left, right) :
            op == '-' ? Saturating.subtract(left, right) : Saturating.multiply(left, right);
    }

    /**
     * A decimal literal is an amount in major units with two decimals: it may only meet an amount that comes from
     * the {@code amount} field.
     *
     * @return false after reporting a decimal literal that meets something else.
     */
    private boolean checkDecimalMeetsAmount(final Operand decimal, final Operand other, final Syntax where)
    {
        if (decimal.decimal() && (other.type() != ExprType.AMOUNT || other.decimal()))
        {
            problem(where, "the amount " + decimal.shown() + " meets " + other.shown() + " (" +
                (other.decimal() ? "another literal" : other.type().noun()) + "); a number with two decimals is " +
                "an amount in major units and only meets amount", "a whole number (" + decimal.value() +
                " for " + decimal.shown() + " in minor units), or compare the decimal with amount");
            return false;
        }
        return true;
    }

    private void checkNotDecimal(final Operand operand, final Syntax where)
    {
        if (operand.decimal())
        {
            problem(where, "the value is the constant " + operand.shown(), "a field, or arithmetic of fields");
        }
    }

    private boolean isSymbolName(final Syntax syntax)
    {
        return syntax instanceof Syntax.Name name && EventField.of(name.name(), scope.input()) == null &&
            !"verdict".equals(name.name()) && scope.attribute(name.name()) == null;
    }

    private String attributeNames()
    {
        final StringBuilder names = new StringBuilder();
        for (final ExprScope.AttributeRef attribute : scope.attributes())
        {
            if (attribute.input() == scope.input())
            {
                names.append(", ").append(attribute.name());
            }
        }
        return names.toString();
    }

    private static String example(final ExprType type)
    {
        switch (type)
        {
            case CHANNEL:
                return "channel == ATM";
            case SIDE:
                return "side == BUY";
            case ORDER_TYPE:
                return "order-type == LIMIT";
            case CURRENCY:
                return "currency == EUR";
            case COUNTRY:
                return "country != GB";
            case VERDICT:
                return "verdict >= review";
            default:
                return "amount >= 20000";
        }
    }

    private static String lower(final WindowInput input)
    {
        return input.name().toLowerCase(Locale.ROOT);
    }
}
