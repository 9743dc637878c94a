package dev.vigil.app.cli;

import dev.vigil.app.config.TextLineReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operator errors on the command line: each exits 2 with one message naming what is wrong and where (setting,
 * option, file, line), and no stack trace.
 */
@Timeout(60)
class OperatorErrorsTest extends CommandLineTest
{
    private static final String HEADER = "event_time,type,account,card,merchant,amount,currency,country";
    private static final String GOOD_LINE = "2026-01-01T00:00:00Z,transaction,1,10,100,5000,EUR,DE";

    @TempDir
    Path dir;

    @Test
    void anIngressChannelThatIsNotAnAeronChannel()
    {
        assertUsageError(VigilMain.execute("run", "--data-dir", dir.toString(), "--set", "ingress.channel=garbage"),
            "vigil run: --set: ingress.channel=garbage: not an Aeron channel (",
            "; expected e.g. aeron:udp?endpoint=localhost:40123");
        assertUsageError(VigilMain.execute("config", "--print", "--set", "ingress.channel=garbage"),
            "vigil config: --set: ingress.channel=garbage: not an Aeron channel (");
        assertUsageError(VigilMain.execute("config", "--print", "--set", "alerts.channel=aeron:udp"),
            "alerts.channel=aeron:udp: a udp channel needs an endpoint or a control address");
    }

    @Test
    void anIngressPortAnotherProcessHolds() throws IOException
    {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress()))
        {
            final String channel = "aeron:udp?endpoint=127.0.0.1:" + taken.getLocalPort();
            assertUsageError(VigilMain.execute("run", "--data-dir", dir.toString(), "--set",
                "ingress.channel=" + channel),
                "vigil run: ingress.channel=" + channel + ": cannot bind endpoint 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void anAeronDirThatCannotBeMade() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertUsageError(run("--data-dir", dir.resolve("data").toString(), "--set", "aeron.dir=" + file),
            "vigil run: aeron.dir=" + file + ": is a file, not a directory");
        assertUsageError(run("--data-dir", dir.resolve("data").toString(), "--set", "aeron.dir=" + file + "/aeron"),
            "vigil run: aeron.dir=" + file + "/aeron: cannot create the directory: ");
        if (Files.isDirectory(Path.of("/proc/self")))
        {
            assertUsageError(run("--data-dir", dir.resolve("data").toString(), "--set", "aeron.dir=/proc/nope"),
                "vigil run: aeron.dir=/proc/nope: cannot create the directory: ");
        }
        assertFalse(Files.exists(dir.resolve("data")), "nothing made before the checks pass");
    }

    @Test
    void aDataDirThatIsAFile() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("data"), "x");
        assertUsageError(run("--data-dir", file.toString()),
            "vigil run: data.dir=" + file + ": is a file, not a directory");
        assertUsageError(VigilMain.execute("demo", "--data-dir", file.toString(), "--duration", "1s"),
            "vigil demo: data.dir=" + file + ": is a file, not a directory");
        assertUsageError(VigilMain.execute("stat", "--data-dir", file.toString(), "--once"),
            "vigil stat: data.dir=" + file + ": is a file, not a directory");
        assertUsageError(VigilMain.execute("journal", "verify", "--data-dir", file.toString()),
            "vigil journal verify: --data-dir " + file + ": is a file, not a directory");
        assertUsageError(VigilMain.execute("journal", "import", "--csv", csv("ok.csv", GOOD_LINE).toString(),
            "--data-dir", file.toString()),
            "vigil journal import: --data-dir " + file + ": is a file, not a directory");

        final Path data = Files.createDirectories(dir.resolve("with-journal-file"));
        final Path journal = Files.writeString(data.resolve("journal"), "x");
        assertUsageError(run("--data-dir", data.toString()),
            "vigil run: data.dir=" + data + ": " + journal + " is a file, not a directory");
    }

    @Test
    void aRulesFileThatIsMissingOrADirectory()
    {
        assertUsageError(run("--data-dir", dir.toString(), "--rules", dir.resolve("missing.yaml").toString()),
            "vigil run: rules.file=" + dir.resolve("missing.yaml") + ": no such file");
        assertUsageError(run("--data-dir", dir.toString(), "--rules", dir.toString()),
            "vigil run: rules.file=" + dir + ": is a directory, not a file");
    }

    @Test
    void anEventsFileWithOneLineThatIsNotUtf8() throws IOException
    {
        final Path csv = dir.resolve("events.csv");
        try (OutputStream out = Files.newOutputStream(csv))
        {
            out.write((HEADER + "\n" + GOOD_LINE + "\n").getBytes(StandardCharsets.UTF_8));
            out.write("2026-01-01T00:00:01Z,transaction,1,10,100,5000,EUR,D".getBytes(StandardCharsets.UTF_8));
            out.write(new byte[]{(byte)0xC4, '\n'});
            out.write((GOOD_LINE + "\n").getBytes(StandardCharsets.UTF_8));
        }
        final String message = csv + ":3: not UTF-8 text: byte 0xC4 at byte column 53";

        assertUsageError(replay(csv), "vigil replay: " + message);
        assertUsageError(replay(csv, "--skip-bad-lines"), "vigil replay: " + message);
        final Path data = dir.resolve("imported");
        assertUsageError(VigilMain.execute("journal", "import", "--csv", csv.toString(), "--data-dir", data.toString()),
            "vigil journal import: " + message);
        assertFalse(Files.exists(data.resolve("journal")), "a failed import leaves no journal");
    }

    @Test
    void anEventsFileOfRandomBytes() throws IOException
    {
        final byte[] bytes = new byte[64 * 1024];
        new Random(7).nextBytes(bytes);
        final Path csv = Files.write(dir.resolve("random.csv"), bytes);

        assertUsageError(replay(csv), "vigil replay: " + csv + ":1: not UTF-8 text: byte 0x");
        assertUsageError(VigilMain.execute("journal", "import", "--csv", csv.toString(),
            "--data-dir", dir.resolve("imported").toString()),
            "vigil journal import: " + csv + ":1: not UTF-8 text: byte 0x");
    }

    @Test
    void aLineJustOverTheBound() throws IOException
    {
        final char[] longCell = new char[TextLineReader.MAX_LINE_BYTES + 1 - GOOD_LINE.length()];
        Arrays.fill(longCell, '1');
        final Path csv = csv("long.csv", GOOD_LINE, GOOD_LINE + new String(longCell), GOOD_LINE);

        assertUsageError(replay(csv),
            "vigil replay: " + csv + ":3: line longer than 65536 bytes; allowed: lines of at most 65536 bytes");
        assertUsageError(VigilMain.execute("journal", "import", "--csv", csv.toString(),
            "--data-dir", dir.resolve("imported").toString()),
            "vigil journal import: " + csv + ":3: line longer than 65536 bytes");
    }

    @Test
    void aLineOfSeveralMegabytes() throws IOException
    {
        // 8 MiB in one line, written in pieces: the reader stops at the bound whatever follows.
        final Path csv = dir.resolve("huge.csv");
        final byte[] piece = new byte[64 * 1024];
        Arrays.fill(piece, (byte)'a');
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(csv)))
        {
            out.write((HEADER + "\n").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 128; i++)
            {
                out.write(piece);
            }
            out.write('\n');
        }
        assertUsageError(replay(csv), "vigil replay: " + csv + ":2: line longer than 65536 bytes");
    }

    @Test
    void aConfigFileThatSetsASettingTwice() throws IOException
    {
        final Path config = Files.writeString(dir.resolve("vigil.conf"),
            "ring.size = 1024\nmetrics.port = 0\nring.size = 2048\n");
        assertUsageError(VigilMain.execute("config", "--print", "--config", config.toString()),
            "vigil config: " + config + ":3: setting 'ring.size' is set twice in " + config + ", at lines 1 and 3");
        assertUsageError(run("--config", config.toString(), "--data-dir", dir.toString()),
            "vigil run: " + config + ":3: setting 'ring.size' is set twice");

        final Path once = Files.writeString(dir.resolve("once.conf"), "ring.size = 1024\n");
        assertEquals(0, VigilMain.execute("config", "--print", "--config", once.toString(), "--set",
            "ring.size=2048"), errors());
        assertTrue(output().contains("# --set\nring.size = 2048\n"), output());
    }

    @Test
    void aConfigFileThatIsNotUtf8() throws IOException
    {
        final Path config = dir.resolve("vigil.conf");
        Files.write(config, new byte[]{'#', ' ', 'o', 'k', '\n', 'r', 'i', 'n', 'g', (byte)0xFF, '\n'});
        assertUsageError(VigilMain.execute("config", "--print", "--config", config.toString()),
            "vigil config: " + config + ":2: not UTF-8 text: byte 0xFF at byte column 5");
    }

    @Test
    void aRulesFileThatIsNotUtf8() throws IOException
    {
        final Path rules = dir.resolve("rules.yaml");
        Files.write(rules, new byte[]{'r', 'u', 'l', 'e', 's', ':', '\n', ' ', (byte)0xFE, '\n'});
        assertUsageError(VigilMain.execute("rules", "check", rules.toString()),
            "vigil rules check: " + rules + ":2: not UTF-8 text: byte 0xFE at byte column 2");
        assertUsageError(run("--data-dir", dir.toString(), "--rules", rules.toString()),
            "vigil run: " + rules + ":2: not UTF-8 text: byte 0xFE at byte column 2");
    }

    @Test
    void badOptionValuesOfOtherCommands() throws IOException
    {
        final Path file = Files.writeString(dir.resolve("a-file"), "x");
        final Path journalData = dir.resolve("journal-data");
        assertEquals(0, VigilMain.execute("journal", "import", "--csv", csv("ok.csv", GOOD_LINE).toString(),
            "--data-dir", journalData.toString()), errors());

        assertUsageError(VigilMain.execute("snapshot", "--timeout", "5x"),
            "vigil snapshot: --timeout '5x' has unknown unit 'x'");
        assertUsageError(VigilMain.execute("rules", "reload", "--timeout", "soon", file.toString()),
            "vigil rules reload: --timeout 'soon' is not a duration");
        assertUsageError(VigilMain.execute("stat", "--data-dir", journalData.toString(), "--count", "-1"),
            "vigil stat: --count -1: allowed: 0 or more");
        assertUsageError(VigilMain.execute("journal", "dump", "--data-dir", journalData.toString(), "--limit", "-1"),
            "vigil journal dump: --limit -1: allowed: 0 or more");
        assertUsageError(VigilMain.execute("journal", "dump", "--data-dir", journalData.toString(), "--from-seq",
            "first"), "Invalid value for option '--from-seq': 'first' is not a long");
        assertUsageError(VigilMain.execute("journal", "replay", "--data-dir", journalData.toString(), "--out",
            dir.toString()), "vigil journal replay: --out " + dir + ": cannot write: ");
        assertUsageError(VigilMain.execute("journal", "whatif", "--data-dir", file.toString(), "--new-set",
            "ring.size=64"), "vigil journal whatif: --data-dir " + file + ": is a file, not a directory");
        assertUsageError(VigilMain.execute("journal", "verify", "--data-dir", dir.resolve("none").toString()),
            "vigil journal verify: --data-dir " + dir.resolve("none") + ": no journal at ");
        assertUsageError(VigilMain.execute("journal", "import", "--csv", dir.resolve("missing.csv").toString(),
            "--data-dir", dir.resolve("other").toString()),
            "vigil journal import: --csv " + dir.resolve("missing.csv") + ": no such file");
        assertUsageError(VigilMain.execute("replay", "--input", dir.toString(), "--out", dir.resolve("out").toString()),
            "vigil replay: --input " + dir + ": is a directory, not a file");
        assertUsageError(VigilMain.execute("replay", "--input", csv("in.csv", GOOD_LINE).toString(), "--out",
            file.toString()), "vigil replay: --out " + file + ": is a file, not a directory");
        assertUsageError(VigilMain.execute("run", "--no-such-option"), "Unknown option: '--no-such-option'");
        assertUsageError(VigilMain.execute("config", "--print", "--set", "ring.size=lots"),
            "vigil config: --set: setting 'ring.size' has value 'lots'; allowed: a power of two");
        assertUsageError(VigilMain.execute("config", "--print", "--config", dir.toString()),
            "vigil config: " + dir + ": cannot read configuration file: is a directory, not a file");
    }

    /**
     * {@code vigil run} with its own Aeron directory and ports 0, so that a start that got past the checks would
     * meet no other engine; later {@code --set}s win.
     */
    private int run(final String... args)
    {
        final String[] start = {"run", "--set", "aeron.dir=" + dir.resolve("aeron"),
            "--set", "ingress.channel=aeron:udp?endpoint=localhost:0",
            "--set", "alerts.channel=aeron:udp?control=localhost:0|control-mode=dynamic"};
        final String[] all = Arrays.copyOf(start, start.length + args.length);
        System.arraycopy(args, 0, all, start.length, args.length);
        return VigilMain.execute(all);
    }

    private int replay(final Path csv, final String... more)
    {
        final String[] args = {"replay", "--input", csv.toString(), "--out", dir.resolve("out").toString(), "--force"};
        final String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return VigilMain.execute(all);
    }

    private Path csv(final String name, final String... lines) throws IOException
    {
        return Files.writeString(dir.resolve(name), HEADER + "\n" + String.join("\n", lines) + "\n");
    }

    /**
     * Exit 2, the message, and no stack trace or exception name anywhere in what the command printed.
     */
    private void assertUsageError(final int exitCode, final String... expected)
    {
        final String printed = output() + errors();
        assertEquals(2, exitCode, printed);
        for (final String fragment : expected)
        {
            assertTrue(errors().contains(fragment), () -> "expected '" + fragment + "' in: " + printed);
        }
        assertFalse(printed.contains("Exception"), printed);
        assertFalse(printed.contains("\tat "), printed);
        out.reset();
        err.reset();
    }
}
