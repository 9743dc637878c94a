package dev.vigil.app.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntConsumer;

/**
 * Waits for SIGTERM or SIGINT without the JVM starting its own shutdown, so that the engine can stop cleanly and
 * the process still exits with the command's status (0) rather than the JVM's 143 or 130 for a signal. Uses the
 * JDK's {@code sun.misc.Signal} (module jdk.unsupported) by reflection; where that is missing the signals keep their
 * default meaning.
 * <p>
 * A second signal while the clean stop runs — an operator who will not wait for a drain stuck behind a dead disk,
 * say — ends the process at once with the shell's status for that signal (130 for SIGINT, 143 for SIGTERM). Nothing
 * is lost that a clean stop would keep: the journal holds every input made durable, and the next start replays it.
 */
final class StopSignals
{
    private static final String[] SIGNALS = {"TERM", "INT"};

    private final CountDownLatch received = new CountDownLatch(1);
    private final IntConsumer halt;
    private final PrintStream err;
    private volatile String name = "";

    StopSignals(final IntConsumer halt, final PrintStream err)
    {
        this.halt = halt;
        this.err = err;
    }

    /**
     * @return handlers installed for SIGTERM and SIGINT.
     */
    static StopSignals install()
    {
        final StopSignals signals = new StopSignals(status -> Runtime.getRuntime().halt(status), System.err);
        try
        {
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            final Method getName = signalClass.getMethod("getName");
            final InvocationHandler onSignal = (proxy, method, args) ->
            {
                switch (method.getName())
                {
                    case "handle":
                        signals.onSignal("SIG" + getName.invoke(args[0]));
                        return null;
                    case "hashCode":
                        return System.identityHashCode(proxy);
                    case "equals":
                        return proxy == args[0];
                    default:
                        return "vigil stop signal handler";
                }
            };
            final Object handler = Proxy.newProxyInstance(
                handlerClass.getClassLoader(), new Class<?>[]{handlerClass}, onSignal);
            for (final String signal : SIGNALS)
            {
                handle.invoke(null, signalClass.getConstructor(String.class).newInstance(signal), handler);
            }
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            // No sun.misc.Signal: SIGTERM and SIGINT end the JVM the default way.
        }
        return signals;
    }

    /**
     * A stop signal arrived: the first one starts the clean stop, the next one ends the process now.
     *
     * @param signalName e.g. {@code SIGINT}.
     */
    void onSignal(final String signalName)
    {
        if (received.getCount() == 0)
        {
            err.println("vigil: " + signalName + " again, exiting now without finishing the clean stop: the journal " +
                "keeps every input made durable, and the next start replays it");
            err.flush();
            halt.accept("SIGINT".equals(signalName) ? 130 : 143);
            return;
        }
        name = signalName;
        received.countDown();
    }

    /**
     * Start the clean stop for a reason other than a signal (e.g. the cluster terminated the member); repeats are
     * ignored, unlike a second signal.
     *
     * @param reason what the stop message names.
     */
    void stopFor(final String reason)
    {
        if (received.getCount() != 0)
        {
            name = reason;
            received.countDown();
        }
    }

    /**
     * @return true once a stop was asked for, for a loop that cannot block in {@link #await()}.
     */
    boolean received()
    {
        return received.getCount() == 0;
    }

    /**
     * @return what asked for the stop, e.g. {@code SIGTERM}; empty before.
     */
    String name()
    {
        return name;
    }

    /**
     * Block until SIGTERM or SIGINT arrives.
     *
     * @return the signal's name, e.g. {@code SIGTERM}.
     * @throws InterruptedException when the waiting thread is interrupted.
     */
    String await() throws InterruptedException
    {
        received.await();
        return name;
    }
}
