package dev.vigil.app.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VigilConfigTest
{
    @TempDir
    Path dir;

    @Test
    void shippedExampleFileSetsEverySettingToItsDefault()
    {
        final Path example = Paths.get(System.getProperty("user.dir")).getParent().resolve("config/vigil.conf");
        final VigilConfig config = VigilConfig.builder().file(example).build();

        for (final Setting setting : Settings.ALL)
        {
            assertEquals(setting.defaultValue(), config.get(setting), setting.name());
            if (setting != Settings.AERON_DIR)
            {
                assertTrue(config.sourceOf(setting).startsWith(example.toString()), setting.name() + " not in file");
            }
        }
    }

    @Test
    void fileThenOverridesWinInOrder() throws IOException
    {
        final Path file = write("ring.size = 1024\nrules.max.keys = 5_000\n");
        final VigilConfig config = VigilConfig.builder().file(file).override("ring.size=2048").build();

        assertEquals(2048, config.getInt(Settings.RING_SIZE));
        assertEquals("--set", config.sourceOf(Settings.RING_SIZE));
        assertEquals(5000, config.getLong(Settings.RULES_MAX_KEYS));
        assertEquals(file + ":2", config.sourceOf(Settings.RULES_MAX_KEYS));
    }

    @Test
    void errorsNameFileLineSettingValueAndWhatIsAllowed() throws IOException
    {
        final Path file = write("# comment\n\nring.size = 1000\n");
        final ConfigException notPowerOfTwo =
            assertThrows(ConfigException.class, () -> VigilConfig.builder().file(file));
        assertEquals(file + ":3: setting 'ring.size' has value '1000'; allowed: a power of two in [64, 4194304]",
            notPowerOfTwo.getMessage());

        final ConfigException unknown =
            assertThrows(ConfigException.class, () -> VigilConfig.builder().override("ring.sise=64"));
        assertTrue(unknown.getMessage().startsWith("--set: unknown setting 'ring.sise'; known settings: profile,"));

        final ConfigException badDuration = assertThrows(
            ConfigException.class, () -> VigilConfig.builder().override("session.handshake.timeout=5 parsecs"));
        assertTrue(badDuration.getMessage().contains("allowed: a duration in [1ms, 1m]"), badDuration.getMessage());

        final ConfigException badChoice =
            assertThrows(ConfigException.class, () -> VigilConfig.builder().override("profile=turbo"));
        assertEquals("--set: setting 'profile' has value 'turbo'; allowed: one of shared, dedicated",
            badChoice.getMessage());

        final Path noEquals = write("ring.size 64\n");
        final ConfigException syntax = assertThrows(ConfigException.class, () -> VigilConfig.builder().file(noEquals));
        assertEquals(noEquals + ":1: expected 'setting = value', found 'ring.size 64'", syntax.getMessage());
    }

    @Test
    void aSettingSetTwiceInOneFileIsAnErrorNamingBothLines() throws IOException
    {
        final Path file = write("ring.size = 1024\n# again, further down\nrules.max.keys = 5000\n  ring.size=2048\n");
        final ConfigException twice = assertThrows(ConfigException.class, () -> VigilConfig.builder().file(file));
        assertEquals(file + ":4: setting 'ring.size' is set twice in " + file + ", at lines 1 and 4; allowed: " +
            "once per file", twice.getMessage());

        // Once in the file and again on the command line is an override, as before.
        final Path once = write("ring.size = 1024\n");
        assertEquals(2048, VigilConfig.builder().file(once).override("ring.size=2048").build()
            .getInt(Settings.RING_SIZE));
    }

    @Test
    void aeronChannelsAreCheckedWhenSetNamingSettingValueAndAnExample()
    {
        final ConfigException garbage = assertThrows(ConfigException.class,
            () -> VigilConfig.builder().override("ingress.channel=garbage"));
        assertEquals("--set: ingress.channel=garbage: not an Aeron channel (Aeron URIs must start with 'aeron:', " +
            "found: garbage); expected e.g. aeron:udp?endpoint=localhost:40123", garbage.getMessage());

        assertChannelError("ingress.channel=aeron:tcp?endpoint=localhost:1", "media 'tcp' is neither udp nor ipc");
        assertChannelError("ingress.channel=aeron:udp?endpoint", "not an Aeron channel");
        assertChannelError("ingress.channel=aeron:udp?control=localhost:40000",
            "a udp channel the engine listens on needs an endpoint");
        assertChannelError("ingress.channel=aeron:udp?endpoint=localhost:99999",
            "endpoint 'localhost:99999' is not host:port with a port in [0, 65535]");
        assertChannelError("ingress.channel=aeron:udp?endpoint=localhost", "endpoint 'localhost' is not host:port");
        assertChannelError("ingress.channel=aeron-spy:aeron:udp?endpoint=localhost:1", "prefix 'aeron-spy:'");
        assertChannelError("alerts.channel=aeron:udp", "a udp channel needs an endpoint or a control address");
        assertChannelError("alerts.channel=aeron:udp?control=:40124", "control ':40124' is not host:port");
        assertChannelError("admin.channel=aeron:ipcx", "not an Aeron channel");

        final VigilConfig fine = VigilConfig.builder()
            .override("ingress.channel=aeron:udp?endpoint=[::1]:40123|term-length=64k")
            .override("alerts.channel=aeron:udp?endpoint=10.0.0.7:40124")
            .override("admin.channel=aeron:ipc?term-length=64k")
            .build();
        assertEquals("aeron:udp?endpoint=[::1]:40123|term-length=64k", fine.get(Settings.INGRESS_CHANNEL));
        assertEquals("aeron:ipc", VigilConfig.builder().override("ingress.channel=aeron:ipc").build()
            .get(Settings.INGRESS_CHANNEL));
    }

    private static void assertChannelError(final String assignment, final String problem)
    {
        final ConfigException ex =
            assertThrows(ConfigException.class, () -> VigilConfig.builder().override(assignment), assignment);
        final String setting = assignment.substring(0, assignment.indexOf('='));
        assertTrue(ex.getMessage().startsWith("--set: " + assignment + ": "), ex.getMessage());
        assertTrue(ex.getMessage().contains(problem), ex.getMessage());
        assertTrue(ex.getMessage().endsWith("; expected e.g. " + Settings.byName(setting).defaultValue()),
            ex.getMessage());
    }

    private Path write(final String content) throws IOException
    {
        final Path file = Files.createTempFile(dir, "vigil", ".conf");
        Files.writeString(file, content);
        return file;
    }
}
