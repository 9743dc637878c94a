package dev.vigil.perf;

import java.util.SplittableRandom;

/**
 * A seeded, pre-drawn sequence of account ids, uniform over {@code [1, accounts]}, read in order and wrapping.
 * Drawn before measurement so that a benchmark pays one sequential array read per event rather than a random
 * number generator; long enough that a wrap does not let the rules' per-account state settle into a pattern.
 */
final class AccountSequence
{
    private static final int LENGTH = 1 << 20;
    private static final int MASK = LENGTH - 1;

    private final int[] accounts = new int[LENGTH];
    private int index;

    /**
     * @param accountCount distinct accounts, at least 1.
     * @param seed         random seed.
     */
    AccountSequence(final int accountCount, final long seed)
    {
        if (accountCount < 1)
        {
            throw new IllegalArgumentException("accountCount=" + accountCount + " must be at least 1");
        }
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < LENGTH; i++)
        {
            accounts[i] = 1 + random.nextInt(accountCount);
        }
    }

    long next()
    {
        final int i = index;
        index = (i + 1) & MASK;
        return accounts[i];
    }
}
