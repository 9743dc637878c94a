package dev.vigil.perf;

import dev.vigil.codecs.OrderDecoder;
import dev.vigil.codecs.TransactionDecoder;
import dev.vigil.core.rules.expr.Saturating;

import java.util.Arrays;

/**
 * The other way to evaluate a compiled condition, kept to compare with the tree of nodes the rules use
 * ({@link ExpressionBenchmark}): a flat int-coded program run by one loop over a {@code long[]} stack allocated with
 * it. Programs are assembled by hand for the benchmark's conditions; no compiler targets this form.
 */
final class FlatProgram
{
    static final int CONST = 0;
    static final int AMOUNT = 1;
    static final int CURRENCY = 2;
    static final int COUNTRY = 3;
    static final int CHANNEL = 4;
    static final int PRICE = 5;
    static final int QUANTITY = 6;
    static final int EQ = 7;
    static final int NE = 8;
    static final int GT = 9;
    static final int GE = 10;
    static final int NOT = 11;
    static final int MUL = 12;
    /** Operand: a set's index. Replaces the top with 1 when it is in the set. */
    static final int IN = 13;
    /** Operand: a target. When the top is 0, jump there keeping it; else pop it: the left side of an 'and'. */
    static final int JUMP_IF_FALSE_OR_POP = 14;
    /** Operand: a target. When the top is not 0, jump there keeping it; else pop it: the left side of an 'or'. */
    static final int JUMP_IF_TRUE_OR_POP = 15;

    private final int[] code;
    private final long[] constants;
    private final long[][] sets;
    private final long[] stack;

    /**
     * @param code      the program: op codes, each followed by its operand where it has one (CONST: a constant's
     *                  index, IN: a set's index, jumps: the target).
     * @param constants the constants.
     * @param sets      the sets, each sorted.
     * @param depth     most values on the stack at once.
     */
    FlatProgram(final int[] code, final long[] constants, final long[][] sets, final int depth)
    {
        this.code = code;
        this.constants = constants;
        this.sets = sets;
        this.stack = new long[depth];
    }

    boolean test(final TransactionDecoder txn, final OrderDecoder order)
    {
        final int[] code = this.code;
        final long[] stack = this.stack;
        int sp = -1;
        int pc = 0;
        while (pc < code.length)
        {
            switch (code[pc++])
            {
                case CONST:
                    stack[++sp] = constants[code[pc++]];
                    break;
                case AMOUNT:
                    stack[++sp] = txn.amountMinor();
                    break;
                case CURRENCY:
                    stack[++sp] = ((txn.currency(0) & 0xFFL) << 16) | ((txn.currency(1) & 0xFFL) << 8) |
                        (txn.currency(2) & 0xFFL);
                    break;
                case COUNTRY:
                    stack[++sp] = ((txn.country(0) & 0xFFL) << 8) | (txn.country(1) & 0xFFL);
                    break;
                case CHANNEL:
                    stack[++sp] = txn.channelRaw();
                    break;
                case PRICE:
                    stack[++sp] = order.price();
                    break;
                case QUANTITY:
                    stack[++sp] = order.quantity();
                    break;
                case EQ:
                    sp--;
                    stack[sp] = stack[sp] == stack[sp + 1] ? 1 : 0;
                    break;
                case NE:
                    sp--;
                    stack[sp] = stack[sp] != stack[sp + 1] ? 1 : 0;
                    break;
                case GT:
                    sp--;
                    stack[sp] = stack[sp] > stack[sp + 1] ? 1 : 0;
                    break;
                case GE:
                    sp--;
                    stack[sp] = stack[sp] >= stack[sp + 1] ? 1 : 0;
                    break;
                case NOT:
                    stack[sp] = stack[sp] == 0 ? 1 : 0;
                    break;
                case MUL:
                    sp--;
                    stack[sp] = Saturating.multiply(stack[sp], stack[sp + 1]);
                    break;
                case IN:
                    stack[sp] = Arrays.binarySearch(sets[code[pc++]], stack[sp]) >= 0 ? 1 : 0;
                    break;
                case JUMP_IF_FALSE_OR_POP:
                    if (stack[sp] == 0)
                    {
                        pc = code[pc];
                    }
                    else
                    {
                        sp--;
                        pc++;
                    }
                    break;
                case JUMP_IF_TRUE_OR_POP:
                    if (stack[sp] != 0)
                    {
                        pc = code[pc];
                    }
                    else
                    {
                        sp--;
                        pc++;
                    }
                    break;
                default:
                    throw new IllegalStateException("op " + code[pc - 1]);
            }
        }
        return stack[0] != 0;
    }
}
