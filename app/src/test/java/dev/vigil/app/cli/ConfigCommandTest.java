package dev.vigil.app.cli;

import dev.vigil.app.config.Setting;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigCommandTest extends CommandLineTest
{
    @TempDir
    Path dir;

    @Test
    void printsEverySettingWithItsSourceAsAUsableConfigFile() throws IOException
    {
        final Path file = dir.resolve("engine.conf");
        Files.writeString(file, "# mine\nring.size = 1024\nrules.max.keys = 5_000\n");

        assertEquals(0, VigilMain.execute("config", "--print", "--config", file.toString(),
            "--set", "ring.size=2048", "--data-dir", dir.resolve("data").toString()), errors());
        final String printed = output();
        assertTrue(printed.contains("# --set\nring.size = 2048\n"), printed);
        assertTrue(printed.contains("# " + file + ":3\nrules.max.keys = 5000\n"), printed);
        assertTrue(printed.contains("# --data-dir\ndata.dir = " + dir.resolve("data") + "\n"), printed);
        assertTrue(printed.contains("# default\nmetrics.port = 0\n"), printed);

        final Path printedFile = dir.resolve("printed.conf");
        Files.writeString(printedFile, printed);
        final VigilConfig reread = VigilConfig.builder().file(printedFile).build();
        final VigilConfig original = VigilConfig.builder().file(file).override("ring.size=2048")
            .set("data.dir", dir.resolve("data").toString(), "--data-dir").build();
        for (final Setting setting : Settings.ALL)
        {
            assertEquals(original.get(setting), reread.get(setting), setting.name());
        }
    }

    @Test
    void wrongValuesNameSettingValueSourceAndWhatIsAllowed()
    {
        assertEquals(2, VigilMain.execute("config", "--print", "--set", "metrics.port=70000"));
        assertTrue(errors().contains(
            "vigil config: --set: setting 'metrics.port' has value '70000'; allowed: an integer in [0, 65535]"),
            errors());
    }

    @Test
    void withoutPrintIsAUsageError()
    {
        assertEquals(2, VigilMain.execute("config"));
        assertTrue(errors().contains("nothing to do: try vigil config --print"), errors());
    }
}
