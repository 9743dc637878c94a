package dev.vigil.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.vigil.journal.JournalTestSupport.MAX_TEST_PAYLOAD;
import static dev.vigil.journal.JournalTestSupport.SMALL_SEGMENT_LENGTH;
import static dev.vigil.journal.JournalTestSupport.payload;
import static dev.vigil.journal.JournalTestSupport.readAll;
import static dev.vigil.journal.JournalTestSupport.receiveTimeNs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills a process appending to a journal with SIGKILL at arbitrary points, with segments so small that it rolls
 * every few hundred records (hundreds of times a second), so kills land in every phase of a roll: the preparer
 * creating, filling or renaming a file, or unmapping the sealed segment, and the writer appending into a prepared
 * file not yet renamed. After each kill the journal is recovered and must hold every record the process appended
 * up to its last report, and nothing but whole records in order; the next process goes on after the last one.
 */
@Timeout(180)
class JournalKillTest
{
    private static final int TRIALS = 6;

    @TempDir
    Path directory;

    @Test
    void everyRecordAppendedBeforeAKillIsRecovered() throws Exception
    {
        final SplittableRandom random = new SplittableRandom(7);
        long lastRecovered = 0;
        for (int trial = 0; trial < TRIALS; trial++)
        {
            final Durability durability = trial % 2 == 0 ? Durability.NONE : Durability.PERIODIC;
            final long target = lastRecovered + 2_000 + random.nextInt(20_000);
            final long reported = runAndKill(durability, lastRecovered + 1, target);

            final RecoveryReport report = JournalRecovery.recover(directory, false);
            assertTrue(report.lastSequence() >= reported,
                "trial " + trial + ": recovered up to " + report.lastSequence() + ", appended " + reported);
            assertEquals(0, report.quarantinedSegments().size(), report.toString());
            final JournalTestSupport.Recorded recorded = readAll(directory, 1);
            recorded.assertRange(1, report.lastSequence());
            assertEquals(JournalReader.StopReason.NONE, recorded.stopReason);
            lastRecovered = report.lastSequence();
        }

        try (JournalWriter writer = JournalWriter.open(JournalTestSupport.context(directory)))
        {
            assertEquals(lastRecovered, writer.lastSequence());
            assertFalse(writer.recoveryReport().truncated());
        }
    }

    /**
     * Start an appending process, wait until it reports having appended up to a target, kill it.
     *
     * @return the last sequence it reported as appended.
     */
    private long runAndKill(final Durability durability, final long from, final long target)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx128m",
            "-cp", System.getProperty("java.class.path"),
            Child.class.getName(), directory.toString(), durability.name(), Long.toString(from)));
        if (Runtime.version().feature() >= 24)
        {
            command.add(1, "--enable-native-access=ALL-UNNAMED");
            command.add(2, "--sun-misc-unsafe-memory-access=allow");
        }
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line; (line = in.readLine()) != null; )
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignore)
            {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();

        long reported = from - 1;
        final StringBuilder output = new StringBuilder();
        try
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (reported < target && System.nanoTime() < deadlineNs)
            {
                final String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (null == line)
                {
                    assertTrue(process.isAlive(), "appending process ended:\n" + output);
                    continue;
                }
                if (line.startsWith("appended "))
                {
                    reported = Long.parseLong(line.substring("appended ".length()));
                }
                else
                {
                    output.append(line).append('\n');
                }
            }
            assertTrue(reported >= target, "appending process too slow or stuck:\n" + output);
        }
        finally
        {
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "appending process did not die");
        }

        return reported;
    }

    /**
     * The appending process: opens the journal with a background preparer, appends records from a sequence on in
     * batches of 1 to 20 as fast as it can, and after each batch reports the last sequence appended.
     */
    public static final class Child
    {
        private Child()
        {
        }

        /**
         * @param args directory, durability, first sequence.
         */
        public static void main(final String[] args)
        {
            final JournalContext context = new JournalContext()
                .directory(Paths.get(args[0]))
                .segmentLength(SMALL_SEGMENT_LENGTH)
                .durability(Durability.valueOf(args[1]));
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[MAX_TEST_PAYLOAD]);
            final SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
            long sequence = Long.parseLong(args[2]);
            try (JournalWriter writer = JournalWriter.open(context))
            {
                while (true)
                {
                    final int batch = 1 + random.nextInt(20);
                    for (int i = 0; i < batch; i++, sequence++)
                    {
                        final byte[] payload = payload(sequence);
                        frame.putBytes(0, payload);
                        if (writer.append(sequence, receiveTimeNs(sequence), frame, 0, payload.length) <= 0)
                        {
                            throw new IllegalStateException("append of " + sequence + " refused");
                        }
                    }
                    writer.endOfBatch();
                    writer.doDutyCycle();
                    System.out.println("appended " + (sequence - 1));
                }
            }
        }
    }
}
