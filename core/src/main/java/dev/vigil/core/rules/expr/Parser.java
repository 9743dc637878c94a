package dev.vigil.core.rules.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * A recursive-descent parser of the expression language. From the loosest binding to the tightest:
 * <pre>
 * expression := or
 * or         := and ('or' and)*
 * and        := not ('and' not)*
 * not        := 'not' not | comparison
 * comparison := sum [('==' | '!=' | '&lt;' | '&lt;=' | '&gt;' | '&gt;=') sum | ['not'] 'in' list]
 * sum        := product (('+' | '-') product)*
 * product    := unary ('*' unary)*
 * unary      := '-' unary | primary
 * primary    := number | amount | name | 'fired' '(' (name | number) ')' | '(' expression ')'
 * list       := '[' item (',' item)* ']'        item := ['-'] number | amount | name
 * </pre>
 * Comparisons do not chain ({@code a < b < c} is an error). The first syntax error ends the parse.
 */
final class Parser
{
    private static final String VALUE = "a field, a number, a value such as ATM or GB, fired(rule), '(' or 'not'";
    private static final String OPERATOR = "and, or, ==, !=, <, <=, >, >=, in, not in, +, -, *";

    private final List<Token> tokens;
    private int next;

    private Parser(final List<Token> tokens)
    {
        this.tokens = tokens;
    }

    /**
     * @param text an expression.
     * @return its syntax tree.
     * @throws ExprException at the first syntax error.
     */
    static Syntax parse(final String text)
    {
        final Parser parser = new Parser(Lexer.tokens(text));
        if (parser.peek().kind() == Token.Kind.END)
        {
            throw new ExprException(1, "the expression is empty", VALUE);
        }
        final Syntax syntax = parser.or();
        final Token end = parser.peek();
        if (end.kind() == Token.Kind.RIGHT_PAREN)
        {
            throw new ExprException(end.column(), "')' without a matching '('", OPERATOR + ", or the end");
        }
        if (end.kind() != Token.Kind.END)
        {
            throw new ExprException(end.column(), "expected an operator or the end, found " + end.quoted(), OPERATOR);
        }
        return syntax;
    }

    private Syntax or()
    {
        Syntax left = and();
        while (peek().kind() == Token.Kind.OR)
        {
            final Token op = take();
            left = new Syntax.Logical(false, left, and(), op.column());
        }
        return left;
    }

    private Syntax and()
    {
        Syntax left = not();
        while (peek().kind() == Token.Kind.AND)
        {
            final Token op = take();
            left = new Syntax.Logical(true, left, not(), op.column());
        }
        return left;
    }

    private Syntax not()
    {
        if (peek().kind() == Token.Kind.NOT)
        {
            final Token op = take();
            return new Syntax.Not(not(), op.column());
        }
        return comparison();
    }

    private Syntax comparison()
    {
        final Syntax left = sum();
        final Token op = peek();
        final Syntax result;
        final CompareOp compare = compareOp(op.kind());
        if (compare != null)
        {
            take();
            result = new Syntax.Comparison(compare, left, sum(), op.column());
        }
        else if (op.kind() == Token.Kind.IN)
        {
            take();
            result = new Syntax.Membership(false, left, list(), op.column());
        }
        else if (op.kind() == Token.Kind.NOT && tokens.get(next + 1).kind() == Token.Kind.IN)
        {
            take();
            take();
            result = new Syntax.Membership(true, left, list(), op.column());
        }
        else
        {
            return left;
        }
        final Token after = peek();
        if (compareOp(after.kind()) != null || after.kind() == Token.Kind.IN)
        {
            throw new ExprException(after.column(), "comparisons do not chain: " + after.quoted() +
                " after a comparison", "'and' between two comparisons, e.g. a > 1 and a < 9");
        }
        return result;
    }

    private List<Syntax> list()
    {
        final Token open = peek();
        if (open.kind() != Token.Kind.LEFT_BRACKET)
        {
            throw new ExprException(open.column(), "expected '[' after 'in', found " + open.quoted(),
                "a list of values in brackets, e.g. in [FR, DE, IT]");
        }
        take();
        final List<Syntax> items = new ArrayList<>();
        do
        {
            items.add(item());
        }
        while (peek().kind() == Token.Kind.COMMA && take() != null);
        final Token close = peek();
        if (close.kind() != Token.Kind.RIGHT_BRACKET)
        {
            throw new ExprException(close.column(), "expected ',' or ']' in the list, found " + close.quoted(),
                "values separated by ',' and a closing ']'");
        }
        take();
        return items;
    }

    private Syntax item()
    {
        final Token token = peek();
        switch (token.kind())
        {
            case MINUS:
                take();
                final Token number = peek();
                if (number.kind() != Token.Kind.INTEGER && number.kind() != Token.Kind.DECIMAL)
                {
                    throw new ExprException(number.column(), "expected a number after '-' in the list, found " +
                        number.quoted(), "a number");
                }
                return new Syntax.Negation(primary(), token.column());
            case INTEGER:
            case DECIMAL:
            case NAME:
                return primary();
            default:
                throw new ExprException(token.column(), "expected a value in the list, found " + token.quoted(),
                    "numbers, or values such as ATM or GB: constants, not expressions");
        }
    }

    private Syntax sum()
    {
        Syntax left = product();
        while (peek().kind() == Token.Kind.PLUS || peek().kind() == Token.Kind.MINUS)
        {
            final Token op = take();
            left = new Syntax.Arithmetic(op.text().charAt(0), left, product(), op.column());
        }
        return left;
    }

    private Syntax product()
    {
        Syntax left = unary();
        while (peek().kind() == Token.Kind.STAR)
        {
            final Token op = take();
            left = new Syntax.Arithmetic('*', left, unary(), op.column());
        }
        return left;
    }

    private Syntax unary()
    {
        if (peek().kind() == Token.Kind.MINUS)
        {
            final Token op = take();
            return new Syntax.Negation(unary(), op.column());
        }
        return primary();
    }

    private Syntax primary()
    {
        final Token token = take();
        switch (token.kind())
        {
            case INTEGER:
                return new Syntax.IntegerLiteral(integer(token), token.column());
            case DECIMAL:
                return decimal(token);
            case NAME:
                if ("fired".equals(token.text()) && peek().kind() == Token.Kind.LEFT_PAREN)
                {
                    return fired(token);
                }
                return new Syntax.Name(token.text(), token.column());
            case LEFT_PAREN:
                final Syntax inner = or();
                final Token close = take();
                if (close.kind() != Token.Kind.RIGHT_PAREN)
                {
                    throw new ExprException(close.column(), "expected ')' to close the '(' at column " +
                        token.column() + ", found " + close.quoted(), "')'");
                }
                return inner;
            case END:
                throw new ExprException(token.column(), "the expression ends where a value belongs", VALUE);
            default:
                throw new ExprException(token.column(), "expected a value, found " + token.quoted(), VALUE);
        }
    }

    private Syntax fired(final Token name)
    {
        take();
        final Token rule = take();
        if (rule.kind() != Token.Kind.NAME && rule.kind() != Token.Kind.INTEGER)
        {
            throw new ExprException(rule.column(), "expected a rule's name or id in fired(...), found " +
                rule.quoted(), "fired(rule-name) or fired(rule-id) of a rule with a lower id");
        }
        final Token close = take();
        if (close.kind() != Token.Kind.RIGHT_PAREN)
        {
            throw new ExprException(close.column(), "expected ')' after the rule in fired(...), found " +
                close.quoted(), "one rule: fired(rule-name)");
        }
        return new Syntax.Fired(rule.text(), name.column());
    }

    private static long integer(final Token token)
    {
        try
        {
            return Long.parseLong(token.text().replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new ExprException(token.column(), "the number " + token.text() + " is too large",
                "a whole number up to " + Long.MAX_VALUE);
        }
    }

    private static Syntax decimal(final Token token)
    {
        final String text = token.text().replace("_", "");
        final int point = text.indexOf('.');
        if (text.length() - point - 1 != 2)
        {
            throw new ExprException(token.column(), "the amount " + token.text() + " does not have two decimals",
                "an amount with exactly two decimals, e.g. 200.00 for 20000 minor units, or minor units as a " +
                "whole number");
        }
        try
        {
            return new Syntax.DecimalLiteral(Long.parseLong(text.substring(0, point) + text.substring(point + 1)),
                token.column());
        }
        catch (final NumberFormatException ex)
        {
            throw new ExprException(token.column(), "the amount " + token.text() + " is too large",
                "an amount up to 92233720368547758.07");
        }
    }

    private static CompareOp compareOp(final Token.Kind kind)
    {
        switch (kind)
        {
            case EQ:
                return CompareOp.EQ;
            case NE:
                return CompareOp.NE;
            case LT:
                return CompareOp.LT;
            case LE:
                return CompareOp.LE;
            case GT:
                return CompareOp.GT;
            case GE:
                return CompareOp.GE;
            default:
                return null;
        }
    }

    private Token peek()
    {
        return tokens.get(next);
    }

    private Token take()
    {
        final Token token = tokens.get(next);
        if (token.kind() != Token.Kind.END)
        {
            next++;
        }
        return token;
    }
}
