package dev.vigil.core.rules.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an expression into tokens. Names are letters, digits, {@code _} and {@code -}, starting with a letter or
 * {@code _}; a {@code -} belongs to a name only when a letter, digit or {@code _} follows it ({@code order-type},
 * {@code amount-threshold}), so subtracting one name from another needs a space before the {@code -}. The words
 * {@code and or not in} are lower case; {@code IN} is India.
 */
final class Lexer
{
    private static final String OPERATORS = "== != < <= > >= + - * ( ) [ ] ,";

    private final String text;
    private int position;

    private Lexer(final String text)
    {
        this.text = text;
    }

    /**
     * @param text an expression.
     * @return its tokens, ending with {@link Token.Kind#END}.
     * @throws ExprException at the first character that starts no token.
     */
    static List<Token> tokens(final String text)
    {
        final Lexer lexer = new Lexer(text);
        final List<Token> tokens = new ArrayList<>();
        Token token;
        do
        {
            token = lexer.next();
            tokens.add(token);
        }
        while (token.kind() != Token.Kind.END);
        return tokens;
    }

    private Token next()
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position)))
        {
            position++;
        }
        final int start = position;
        if (position == text.length())
        {
            return new Token(Token.Kind.END, "", start + 1);
        }
        final char c = text.charAt(position);
        if (isNameStart(c))
        {
            return name(start);
        }
        if (c >= '0' && c <= '9')
        {
            return number(start);
        }
        return operator(start, c);
    }

    private Token name(final int start)
    {
        position++;
        while (position < text.length())
        {
            final char c = text.charAt(position);
            if (isNamePart(c) || (c == '-' && position + 1 < text.length() && isNamePart(text.charAt(position + 1))))
            {
                position++;
            }
            else
            {
                break;
            }
        }
        final String word = text.substring(start, position);
        switch (word)
        {
            case "and":
                return new Token(Token.Kind.AND, word, start + 1);
            case "or":
                return new Token(Token.Kind.OR, word, start + 1);
            case "not":
                return new Token(Token.Kind.NOT, word, start + 1);
            case "in":
                return new Token(Token.Kind.IN, word, start + 1);
            default:
                return new Token(Token.Kind.NAME, word, start + 1);
        }
    }

    private Token number(final int start)
    {
        digits();
        Token.Kind kind = Token.Kind.INTEGER;
        if (position + 1 < text.length() && text.charAt(position) == '.' && isDigit(text.charAt(position + 1)))
        {
            position++;
            digits();
            kind = Token.Kind.DECIMAL;
        }
        if (position < text.length() && (isNamePart(text.charAt(position)) || text.charAt(position) == '.'))
        {
            throw new ExprException(position + 1, "'" + text.charAt(position) + "' right after the number '" +
                text.substring(start, position) + "'", "a whole number like 200 or 1_000_000, or an amount with " +
                "two decimals like 200.00, followed by a space or an operator");
        }
        return new Token(kind, text.substring(start, position), start + 1);
    }

    private void digits()
    {
        while (position < text.length() && (isDigit(text.charAt(position)) || text.charAt(position) == '_'))
        {
            position++;
        }
    }

    private Token operator(final int start, final char c)
    {
        final char following = position + 1 < text.length() ? text.charAt(position + 1) : 0;
        switch (c)
        {
            case '=':
                if (following == '=')
                {
                    return two(Token.Kind.EQ, start);
                }
                throw new ExprException(start + 1, "'=' alone", "'==' to compare for equality");
            case '!':
                if (following == '=')
                {
                    return two(Token.Kind.NE, start);
                }
                throw new ExprException(start + 1, "'!' alone", "'!=' to compare, or the word 'not'");
            case '<':
                return following == '=' ? two(Token.Kind.LE, start) : one(Token.Kind.LT, start);
            case '>':
                return following == '=' ? two(Token.Kind.GE, start) : one(Token.Kind.GT, start);
            case '&':
                throw new ExprException(start + 1, "'" + c + "'", "the word 'and'");
            case '|':
                throw new ExprException(start + 1, "'" + c + "'", "the word 'or'");
            case '+':
                return one(Token.Kind.PLUS, start);
            case '-':
                return one(Token.Kind.MINUS, start);
            case '*':
                return one(Token.Kind.STAR, start);
            case '(':
                return one(Token.Kind.LEFT_PAREN, start);
            case ')':
                return one(Token.Kind.RIGHT_PAREN, start);
            case '[':
                return one(Token.Kind.LEFT_BRACKET, start);
            case ']':
                return one(Token.Kind.RIGHT_BRACKET, start);
            case ',':
                return one(Token.Kind.COMMA, start);
            default:
                throw new ExprException(start + 1, "unexpected character '" + c + "'",
                    "names, numbers, the words and, or, not, in, and the operators " + OPERATORS);
        }
    }

    private Token one(final Token.Kind kind, final int start)
    {
        position++;
        return new Token(kind, text.substring(start, position), start + 1);
    }

    private Token two(final Token.Kind kind, final int start)
    {
        position += 2;
        return new Token(kind, text.substring(start, position), start + 1);
    }

    private static boolean isNameStart(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(final char c)
    {
        return isNameStart(c) || isDigit(c);
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }
}
