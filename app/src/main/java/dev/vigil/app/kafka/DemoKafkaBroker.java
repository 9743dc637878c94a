package dev.vigil.app.kafka;

import dev.vigil.app.config.ConfigException;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The local Kafka broker of {@code vigil kafka demo}: in this JVM when the broker's classes are on its class path (the
 * tests' class path has them), otherwise a {@link LocalKafkaBroker} in a JVM of its own whose class path adds
 * {@code lib-kafka} beside the app's jar — the broker's jars, which the engine's class path leaves out.
 */
public final class DemoKafkaBroker implements AutoCloseable
{
    /** The folder beside {@code vigil-app.jar} and {@code lib} that holds the broker's jars. */
    public static final String LIB_FOLDER = "lib-kafka";

    /** Named, not referenced: this class must load where the broker's classes are missing. */
    private static final String BROKER_CLASS = "dev.vigil.app.kafka.LocalKafkaBroker";
    private static final long START_TIMEOUT_MS = 90_000;
    private static final long STOP_TIMEOUT_MS = 30_000;

    private final AutoCloseable inProcess;
    private final Process process;
    private final String bootstrapServers;

    private DemoKafkaBroker(final AutoCloseable inProcess, final Process process, final String bootstrapServers)
    {
        this.inProcess = inProcess;
        this.process = process;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * @param dir where the broker keeps its data.
     * @return a running broker on loopback.
     * @throws ConfigException when the broker's classes are neither on the class path nor in {@value #LIB_FOLDER}.
     */
    public static DemoKafkaBroker start(final Path dir)
    {
        return brokerClassesPresent() ? startInProcess(dir) : startProcess(dir);
    }

    /**
     * @return {@code 127.0.0.1:port}.
     */
    public String bootstrapServers()
    {
        return bootstrapServers;
    }

    /**
     * @return "in this JVM" or the broker process's pid, for the demo's report.
     */
    public String where()
    {
        return process == null ? "in this JVM" : "process " + process.pid();
    }

    @Override
    public void close()
    {
        if (inProcess != null)
        {
            try
            {
                inProcess.close();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException("stopping the local Kafka broker failed", ex);
            }
            return;
        }
        try
        {
            // The end of its input is the broker's signal to stop cleanly.
            process.getOutputStream().close();
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final IOException ex)
        {
            process.destroyForcibly();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static boolean brokerClassesPresent()
    {
        try
        {
            Class.forName("kafka.server.KafkaRaftServer", false, DemoKafkaBroker.class.getClassLoader());
            return true;
        }
        catch (final ClassNotFoundException ex)
        {
            return false;
        }
    }

    private static DemoKafkaBroker startInProcess(final Path dir)
    {
        try
        {
            final Class<?> brokerClass = Class.forName(BROKER_CLASS);
            final Object broker = brokerClass.getMethod("start", Path.class).invoke(null, dir);
            return new DemoKafkaBroker((AutoCloseable)broker, null,
                (String)brokerClass.getMethod("bootstrapServers").invoke(broker));
        }
        catch (final InvocationTargetException ex)
        {
            throw ex.getCause() instanceof RuntimeException ?
                (RuntimeException)ex.getCause() : new IllegalStateException(ex.getCause());
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static DemoKafkaBroker startProcess(final Path dir)
    {
        final Path appJar = appJar();
        final Path libKafka = appJar.resolveSibling(LIB_FOLDER);
        if (!Files.isDirectory(libKafka))
        {
            throw new ConfigException("the Kafka broker's classes are not in " + libKafka + ": build them with " +
                "./mvnw -q -pl app -am package -DskipTests");
        }
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(appJar + File.pathSeparator + appJar.resolveSibling("lib") + File.separator + "*" +
            File.pathSeparator + libKafka + File.separator + "*");
        command.add(BROKER_CLASS);
        command.add(dir.toString());
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start the local Kafka broker's JVM", ex);
        }
        final BlockingQueue<String> lines = new ArrayBlockingQueue<>(1024);
        final Thread reader = new Thread(() -> readLines(process, lines), "vigil-kafka-broker-output");
        reader.setDaemon(true);
        reader.start();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        final List<String> output = new ArrayList<>();
        try
        {
            while (System.nanoTime() < deadlineNs)
            {
                final String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(LocalKafkaBroker.READY_LINE))
                {
                    return new DemoKafkaBroker(null, process,
                        line.substring(LocalKafkaBroker.READY_LINE.length()).trim());
                }
                if (line != null && output.size() < 20)
                {
                    output.add(line);
                }
                if (line == null && !process.isAlive())
                {
                    break;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        throw new IllegalStateException("the local Kafka broker did not start within " + START_TIMEOUT_MS +
            " ms" + (output.isEmpty() ? "" : ": " + String.join(" / ", output)));
    }

    private static void readLines(final Process process, final BlockingQueue<String> lines)
    {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                lines.offer(line);
            }
        }
        catch (final IOException ex)
        {
            // The broker is gone; the demo notices.
        }
    }

    private static Path appJar()
    {
        try
        {
            return Path.of(DemoKafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
