package dev.vigil.perf;

import java.util.SplittableRandom;

/**
 * A seeded, pre-drawn sequence of account ids over {@code [1, accounts]}, uniform or with a hot set, read in order
 * and wrapping.
 * Drawn before measurement so that a benchmark pays one sequential array read per event rather than a random
 * number generator; long enough that a wrap does not let the rules' per-account state settle into a pattern.
 */
final class AccountSequence
{
    private static final int LENGTH = 1 << 22;
    private static final int MASK = LENGTH - 1;

    private final int[] accounts = new int[LENGTH];
    private int index;

    /**
     * @param accountCount distinct accounts, at least 1.
     * @param seed         random seed.
     */
    AccountSequence(final int accountCount, final long seed)
    {
        this(accountCount, seed, false);
    }

    /**
     * @param accountCount distinct accounts, at least 1.
     * @param seed         random seed.
     * @param hot          true to send nine draws in ten to the first 1% of the accounts; false for uniform.
     */
    AccountSequence(final int accountCount, final long seed, final boolean hot)
    {
        if (accountCount < 1)
        {
            throw new IllegalArgumentException("accountCount=" + accountCount + " must be at least 1");
        }
        final SplittableRandom random = new SplittableRandom(seed);
        final int hotAccounts = Math.max(1, accountCount / 100);
        for (int i = 0; i < LENGTH; i++)
        {
            accounts[i] = 1 + (hot && random.nextInt(10) != 0 ?
                random.nextInt(hotAccounts) : random.nextInt(accountCount));
        }
    }

    long next()
    {
        final int i = index;
        index = (i + 1) & MASK;
        return accounts[i];
    }
}
