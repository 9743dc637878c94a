package dev.vigil.app.engine;

import dev.vigil.app.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadAffinityTest
{
    @Test
    void aThreadFromTheFactoryRunsOnlyOnItsCpu() throws Exception
    {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
        final int lastCpu = Runtime.getRuntime().availableProcessors() - 1;
        final ThreadAffinity affinity = ThreadAffinity.parse("0," + lastCpu);
        final List<Throwable> errors = new ArrayList<>();

        assertEquals("0", allowedCpusOfAThreadFrom(affinity, 0, errors));
        assertEquals(Integer.toString(lastCpu), allowedCpusOfAThreadFrom(affinity, 1, errors));
        assertEquals(List.of(), errors);
    }

    @Test
    void aCpuThatCannotBeHadLeavesTheThreadUnpinnedAndReportsIt() throws Exception
    {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
        final List<Throwable> errors = new ArrayList<>();
        final String before = allowedCpusOfAThreadFrom(ThreadAffinity.parse(""), 0, errors);

        final String after = allowedCpusOfAThreadFrom(ThreadAffinity.parse("4000"), 0, errors);

        assertEquals(before, after, "still runs where it could before");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).getMessage().startsWith("cpu.affinity: could not pin thread"),
            errors.get(0).getMessage());
    }

    @Test
    void listsAndRangesParseInOrderAndBadOnesNameTheSetting()
    {
        final ThreadAffinity affinity = ThreadAffinity.parse("3, 5-7,1");
        assertTrue(affinity.enabled());
        affinity.checkCovers(List.of("a", "b", "c", "d", "e"));
        // The CPUs as the threads get them, in the order listed, ranges expanded in place.
        final ConfigException tooFew = assertThrows(ConfigException.class, () -> affinity.checkCovers(List.of("a")));
        assertTrue(tooFew.getMessage().startsWith("setting 'cpu.affinity' lists 5 CPU(s) [3, 5, 6, 7, 1] but"),
            tooFew.getMessage());
        assertFalse(ThreadAffinity.parse(" ").enabled());
        ThreadAffinity.parse(" ").checkCovers(List.of("a"));

        final ConfigException bad = assertThrows(ConfigException.class, () -> ThreadAffinity.parse("2,x-3"));
        assertEquals("setting 'cpu.affinity' has value '2,x-3': 'x-3' is not a CPU id or range; allowed: CPU ids " +
            "and ranges, one CPU per engine thread, e.g. 2,3,4-8", bad.getMessage());
        assertThrows(ConfigException.class, () -> ThreadAffinity.parse("5-2"));
    }

    @Test
    void theListMustNameOneCpuPerEngineThread()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> ThreadAffinity.parse("2-4")
            .checkCovers(VigilEngine.threadRoles(EngineProfile.DEDICATED, true, false)));
        assertEquals("setting 'cpu.affinity' lists 3 CPU(s) [2, 3, 4] but this engine runs 7 thread(s): driver " +
            "conductor, driver sender, driver receiver, ingress, journal, rules, egress; allowed: one CPU per " +
            "thread, in that order", ex.getMessage());
        ThreadAffinity.parse("1").checkCovers(VigilEngine.threadRoles(EngineProfile.SHARED, true, false));
        ThreadAffinity.parse("1,2").checkCovers(VigilEngine.threadRoles(EngineProfile.SHARED, true, true));
    }

    private static String allowedCpusOfAThreadFrom(
        final ThreadAffinity affinity, final int index, final List<Throwable> errors) throws InterruptedException
    {
        final AtomicReference<String> allowed = new AtomicReference<>();
        final Thread thread = affinity.threadFactory(index, errors::add).newThread(() ->
        {
            try
            {
                allowed.set(Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                    .filter(line -> line.startsWith("Cpus_allowed_list:"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElseThrow());
            }
            catch (final IOException ex)
            {
                allowed.set(ex.toString());
            }
        });
        thread.start();
        thread.join();
        return allowed.get();
    }
}
