package dev.vigil.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine keeps its keyed state in one Chronicle Map file per state key its rules use, in data.dir/state, and in
 * process memory when told so.
 */
@Timeout(60)
class KeyedStateFilesTest
{
    @TempDir
    Path dir;

    @Test
    void engineKeepsOneMapFilePerStateKeyOfItsRules() throws IOException
    {
        final Path dataDir = dir.resolve("data");
        try (EngineHarness harness = EngineHarness.start(dataDir))
        {
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
            assertEquals(
                List.of("account-4096x2176.cmap", "account-instrument-4096x1024.cmap", "account-orders-4096x192.cmap",
                    "card-4096x256.cmap", "instrument-4096x64.cmap"),
                stateFiles(dataDir), "the default rules' state keys, with capacity and record size in the name");
        }
    }

    @Test
    void engineKeepsKeyedStateInProcessMemoryWhenNotPersisted() throws IOException
    {
        final Path dataDir = dir.resolve("data");
        try (EngineHarness harness = EngineHarness.start(dataDir, "rules.state.persisted=false"))
        {
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
            assertFalse(Files.exists(dataDir.resolve("state")));
        }
    }

    private static List<String> stateFiles(final Path dataDir) throws IOException
    {
        try (Stream<Path> files = Files.list(dataDir.resolve("state")))
        {
            return files.map(file -> file.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
