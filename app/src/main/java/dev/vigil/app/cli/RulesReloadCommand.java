package dev.vigil.app.cli;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RulesUpdateFrames;
import dev.vigil.core.counters.EngineCounter;
import dev.vigil.core.counters.EngineCounters;
import dev.vigil.core.rules.config.RulesFile;
import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.status.ReadableCounter;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vigil rules reload FILE}: validates a rules file, sends it to the running engine over its local admin
 * channel, and waits until the engine applied or refused it.
 */
@Command(
    name = "reload",
    mixinStandardHelpOptions = true,
    description = {
        "Validate a rules file, then send it to the engine running with this configuration (aeron.dir), which",
        "journals it and switches to it at that point in its input: rules whose definition is unchanged keep",
        "their state, changed and new ones start empty. Exit 0 when the engine applied it, 1 when the file is",
        "invalid, the engine refused it or no engine answers, 2 when the file cannot be read."})
final class RulesReloadCommand implements Callable<Integer>
{
    @Mixin
    private EngineOptions options;

    @Parameters(paramLabel = "FILE", description = "the rules file")
    private Path file;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
        description = "how long to wait for the engine (default: ${DEFAULT-VALUE})")
    private String timeout;

    @Override
    public Integer call() throws InterruptedException
    {
        final VigilConfig config = options.toConfig();
        final long timeoutNs = OptionValues.durationNs("--timeout", timeout);
        final PrintStream out = System.out;
        final RulesFile rulesFile = RulesValidation.validate(file, "rules reload", out);
        if (rulesFile == null)
        {
            out.println("nothing sent to the engine");
            return VigilMain.EXIT_PROBLEM;
        }
        final String aeronDir = config.get(Settings.AERON_DIR);
        if (!Files.isDirectory(Path.of(aeronDir)))
        {
            System.err.println("vigil rules reload: no engine running: no media driver at aeron.dir=" + aeronDir);
            return VigilMain.EXIT_PROBLEM;
        }

        final long deadlineNs = System.nanoTime() + timeoutNs;
        try (Aeron aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDir)
                .driverTimeoutMs(Math.max(1000, timeoutNs / 1_000_000)));
            Publication publication =
                aeron.addPublication(config.get(Settings.ADMIN_CHANNEL), config.getInt(Settings.ADMIN_STREAM_ID)))
        {
            final RulesUpdateSender sender = new RulesUpdateSender(aeron, publication);
            if (!sender.hasEngineCounters())
            {
                System.err.println(
                    "vigil rules reload: no Vigil engine uses the media driver at aeron.dir=" + aeronDir);
                return VigilMain.EXIT_PROBLEM;
            }
            final List<byte[]> frames = RulesUpdateFrames.encode(
                rulesFile.text(), System.nanoTime(), config.getInt(Settings.FRAME_MAX_LENGTH));
            final int outcome = sender.send(frames, deadlineNs);
            if (outcome == RulesUpdateSender.APPLIED)
            {
                out.println("vigil rules reload: the engine applied " + file + "; now in force:");
                RulesValidation.print(rulesFile, out);
                return VigilMain.EXIT_OK;
            }
            System.err.println("vigil rules reload: " + (outcome == RulesUpdateSender.REFUSED ?
                "the engine refused the rules (its counters 'vigil rules updates refused ...' say why)" :
                "no answer from the engine on " + config.get(Settings.ADMIN_CHANNEL) + " stream " +
                config.get(Settings.ADMIN_STREAM_ID) + " within " + timeout));
            return VigilMain.EXIT_PROBLEM;
        }
        catch (final RuntimeException ex)
        {
            System.err.println("vigil rules reload: no engine running at aeron.dir=" + aeronDir + " (" +
                ex.getMessage() + ")");
            return VigilMain.EXIT_PROBLEM;
        }
    }

    /**
     * Sends a rules update's frames and watches the engine's counters for its outcome.
     */
    static final class RulesUpdateSender
    {
        static final int APPLIED = 0;
        static final int REFUSED = 1;
        static final int NO_ANSWER = 2;

        private final Publication publication;
        private final ReadableCounter applied;
        private final ReadableCounter[] refused;

        RulesUpdateSender(final Aeron aeron, final Publication publication)
        {
            this.publication = publication;
            this.applied = counter(aeron, EngineCounter.RULES_UPDATES_APPLIED);
            this.refused = new ReadableCounter[]{
                counter(aeron, EngineCounter.RULES_UPDATES_REFUSED_INVALID),
                counter(aeron, EngineCounter.RULES_UPDATES_REFUSED_INCOMPLETE),
                counter(aeron, EngineCounter.RULES_UPDATES_REFUSED_MALFORMED)};
        }

        boolean hasEngineCounters()
        {
            return applied != null;
        }

        /**
         * @param frames     the update's frames.
         * @param deadlineNs when to give up.
         * @return APPLIED, REFUSED or NO_ANSWER.
         * @throws InterruptedException when interrupted while waiting.
         */
        int send(final List<byte[]> frames, final long deadlineNs) throws InterruptedException
        {
            final long appliedBefore = applied.get();
            final long refusedBefore = refusedTotal();
            for (final byte[] frame : frames)
            {
                final UnsafeBuffer buffer = new UnsafeBuffer(frame);
                while (publication.offer(buffer, 0, frame.length) < 0)
                {
                    if (System.nanoTime() > deadlineNs)
                    {
                        return NO_ANSWER;
                    }
                    Thread.sleep(1);
                }
            }
            while (System.nanoTime() < deadlineNs)
            {
                if (applied.get() > appliedBefore)
                {
                    return APPLIED;
                }
                if (refusedTotal() > refusedBefore)
                {
                    return REFUSED;
                }
                Thread.sleep(5);
            }
            return NO_ANSWER;
        }

        private long refusedTotal()
        {
            long total = 0;
            for (final ReadableCounter counter : refused)
            {
                total += counter == null ? 0 : counter.get();
            }
            return total;
        }

        private static ReadableCounter counter(final Aeron aeron, final EngineCounter descriptor)
        {
            final String label = EngineCounters.LABEL_PREFIX + descriptor.label();
            final int[] found = {-1};
            aeron.countersReader().forEach((counterId, typeId, keyBuffer, counterLabel) ->
            {
                if (typeId == EngineCounters.VIGIL_COUNTER_TYPE_ID && counterLabel.equals(label))
                {
                    found[0] = counterId;
                }
            });
            return found[0] < 0 ? null : new ReadableCounter(aeron.countersReader(), found[0]);
        }
    }
}
