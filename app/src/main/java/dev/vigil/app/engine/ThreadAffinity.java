package dev.vigil.app.engine;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.CpuList;
import org.agrona.ErrorHandler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Pins engine threads to CPUs ({@code cpu.affinity}), one CPU per thread in a fixed order of roles, for hosts with
 * isolated cores. Each thread pins itself as it starts, with Linux's {@code taskset} on its own thread id, so no
 * native library is needed; where that fails (not Linux, no {@code taskset}, a CPU outside the process's cgroup)
 * the thread runs unpinned and the failure goes to the error handler, which counts and logs it.
 */
public final class ThreadAffinity
{
    private static final ThreadAffinity NONE = new ThreadAffinity(new int[0]);

    private final int[] cpus;

    private ThreadAffinity(final int[] cpus)
    {
        this.cpus = cpus;
    }

    /**
     * @param text CPU ids and ranges, e.g. {@code 2,3,4-8}; empty for no pinning.
     * @return the CPUs in that order.
     * @throws ConfigException naming the setting and the offending part.
     */
    public static ThreadAffinity parse(final String text)
    {
        try
        {
            final int[] cpus = CpuList.parse(text);
            return cpus.length == 0 ? NONE : new ThreadAffinity(cpus);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException("setting 'cpu.affinity' has value '" + text + "': " + ex.getMessage() +
                "; allowed: CPU ids and ranges, one CPU per engine thread, e.g. 2,3,4-8");
        }
    }

    /**
     * @return true when threads are to be pinned.
     */
    public boolean enabled()
    {
        return cpus.length > 0;
    }

    /**
     * Check there is one CPU for each thread the engine starts.
     *
     * @param roles the engine's threads, in the order their CPUs are listed.
     * @throws ConfigException when the counts differ, naming the roles.
     */
    public void checkCovers(final List<String> roles)
    {
        if (enabled() && cpus.length != roles.size())
        {
            throw new ConfigException("setting 'cpu.affinity' lists " + cpus.length + " CPU(s) " +
                Arrays.toString(cpus) + " but this engine runs " + roles.size() + " thread(s): " +
                String.join(", ", roles) + "; allowed: one CPU per thread, in that order");
        }
    }

    /**
     * @param index        the thread's place in the roles given to {@link #checkCovers}.
     * @param errorHandler where a failure to pin goes.
     * @return a factory of threads that pin themselves to their CPU first; a plain one when pinning is off.
     */
    public ThreadFactory threadFactory(final int index, final ErrorHandler errorHandler)
    {
        if (!enabled())
        {
            return Thread::new;
        }
        final int cpu = cpus[index];
        return task -> new Thread(() ->
        {
            pinCurrentThread(cpu, errorHandler);
            task.run();
        });
    }

    /**
     * Pin the calling thread to one CPU.
     *
     * @param cpu          the CPU id.
     * @param errorHandler where a failure goes; the thread then runs unpinned.
     * @return true when pinned.
     */
    static boolean pinCurrentThread(final int cpu, final ErrorHandler errorHandler)
    {
        final String name = Thread.currentThread().getName();
        try
        {
            // /proc/thread-self links to /proc/<pid>/task/<tid>: the kernel's id of this very thread.
            final String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
            final Process taskset = new ProcessBuilder("taskset", "-p", "-c", Integer.toString(cpu), tid)
                .redirectErrorStream(true)
                .start();
            final String output;
            try (InputStream in = taskset.getInputStream())
            {
                output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
            if (taskset.waitFor() != 0)
            {
                errorHandler.onError(new IllegalStateException(
                    "cpu.affinity: could not pin thread " + name + " to CPU " + cpu + ": " + output));
                return false;
            }
            return true;
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            errorHandler.onError(new IllegalStateException(
                "cpu.affinity: could not pin thread " + name + " to CPU " + cpu + " (needs Linux and taskset)", ex));
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
