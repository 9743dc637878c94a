package dev.vigil.app.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Base of tests that run {@code vigil} commands in-process: captures what the commands print.
 */
abstract class CommandLineTest
{
    /** Demo engines in tests track fewer keys than the default, to keep the test JVM's heap small. */
    static final String SMALL_STATE = "--set=rules.max.keys=16384";

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void captureOutput()
    {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput()
    {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    String output()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    String errors()
    {
        return err.toString(StandardCharsets.UTF_8);
    }
}
