package dev.vigil.app.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;

/**
 * Waits for SIGTERM or SIGINT without the JVM starting its own shutdown, so that the engine can stop cleanly and
 * the process still exits with the command's status (0) rather than the JVM's 143 or 130 for a signal. Uses the
 * JDK's {@code sun.misc.Signal} (module jdk.unsupported) by reflection; where that is missing the signals keep their
 * default meaning.
 */
final class StopSignals
{
    private static final String[] SIGNALS = {"TERM", "INT"};

    private final CountDownLatch received = new CountDownLatch(1);
    private volatile String name = "";

    private StopSignals()
    {
    }

    /**
     * @return handlers installed for SIGTERM and SIGINT.
     */
    static StopSignals install()
    {
        final StopSignals signals = new StopSignals();
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
                        signals.name = "SIG" + getName.invoke(args[0]);
                        signals.received.countDown();
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
