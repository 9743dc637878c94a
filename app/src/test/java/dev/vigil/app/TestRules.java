package dev.vigil.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rules files for tests: small YAML texts written into a test's directory.
 */
public final class TestRules
{
    private TestRules()
    {
    }

    /**
     * @param dir  where to write.
     * @param name file name.
     * @param yaml the rules file's text.
     * @return the file.
     */
    public static Path write(final Path dir, final String name, final String yaml)
    {
        try
        {
            return Files.writeString(dir.resolve(name), yaml);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param dir  where to write.
     * @param name file name.
     * @param yaml the rules file's text.
     * @return a {@code rules.file=...} override naming the file.
     */
    public static String setting(final Path dir, final String name, final String yaml)
    {
        return "rules.file=" + write(dir, name, yaml);
    }

    /**
     * @param maxAmount amount-threshold limit.
     * @return a rules file with the amount-threshold rule alone, id 0, declining.
     */
    public static String amountThreshold(final long maxAmount)
    {
        return "rules:\n" +
            "  - id: 0\n" +
            "    name: amount-threshold\n" +
            "    type: amount-threshold\n" +
            "    parameters: {max-amount: " + maxAmount + "}\n" +
            "    action: decline\n";
    }

    /**
     * @param maxCount velocity limit per account.
     * @param window   velocity window length.
     * @return a rules file with the account-velocity rule alone, id 1, reviewing, sliding by 1 s.
     */
    public static String velocity(final long maxCount, final String window)
    {
        return "rules:\n" + velocityRule(maxCount, window);
    }

    /**
     * @param maxCount velocity limit per account.
     * @param window   velocity window length.
     * @return the account-velocity rule, id 1, as an entry of the rules list.
     */
    public static String velocityRule(final long maxCount, final String window)
    {
        return "  - id: 1\n" +
            "    name: account-velocity\n" +
            "    type: velocity\n" +
            "    window: {size: " + window + ", slide: 1s}\n" +
            "    parameters: {max-count: " + maxCount + "}\n" +
            "    action: review\n";
    }

    /**
     * @param maxCount order-rate limit per account.
     * @return the order-rate rule, id 2, as an entry of the rules list.
     */
    public static String orderRateRule(final long maxCount)
    {
        return "  - id: 2\n" +
            "    name: order-rate\n" +
            "    type: order-rate\n" +
            "    window: {size: 1s, slide: 100ms}\n" +
            "    parameters: {max-count: " + maxCount + "}\n" +
            "    action: decline\n";
    }
}
