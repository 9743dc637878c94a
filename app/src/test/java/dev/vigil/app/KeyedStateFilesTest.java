package dev.vigil.app;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.engine.RuleSetFactory;
import dev.vigil.core.rules.StateKey;
import dev.vigil.core.state.ChronicleRecordStore;
import dev.vigil.core.state.RecordStore;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine keeps its keyed state in Chronicle Maps in process memory by default, and in one Chronicle Map file per
 * state key its rules use, in data.dir/state, when told so.
 */
@Timeout(60)
class KeyedStateFilesTest
{
    @TempDir
    Path dir;

    @Test
    void engineKeepsOneMapFilePerStateKeyOfItsRulesWhenPersisted() throws IOException
    {
        final Path dataDir = dir.resolve("data");
        try (EngineHarness harness = EngineHarness.start(dataDir, "rules.state.persisted=true"))
        {
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
            assertEquals(
                List.of("account-4096x2176.cmap", "account-instrument-4096x1024.cmap", "account-orders-4096x192.cmap",
                    "card-4096x256.cmap", "instrument-4096x64.cmap"),
                stateFiles(dataDir), "the default rules' state keys, with capacity and record size in the name");
        }
    }

    @Test
    void engineKeepsKeyedStateInChronicleMapsInProcessMemoryByDefault() throws IOException
    {
        final Path dataDir = dir.resolve("data");
        // Files an engine with persisted state left: never read, so deleted at the start.
        final Path left = Files.createDirectories(dataDir.resolve("state")).resolve("account-4096x2176.cmap");
        Files.write(left, new byte[4096]);
        try (EngineHarness harness = EngineHarness.start(dataDir))
        {
            assertTrue(harness.errors().isEmpty(), () -> "engine errors: " + harness.errors());
            assertFalse(Files.exists(dataDir.resolve("state")));
        }
        final VigilConfig config = VigilConfig.defaults().with("data.dir", dataDir.toString());
        try (RecordStore store = RuleSetFactory.engineStateStores(config).open(StateKey.ACCOUNT, 16, 64))
        {
            final ChronicleRecordStore map = assertInstanceOf(ChronicleRecordStore.class, store);
            assertNull(map.file(), "no file behind the map");
        }
        assertFalse(Files.exists(dataDir.resolve("state")));
    }

    private static List<String> stateFiles(final Path dataDir) throws IOException
    {
        try (Stream<Path> files = Files.list(dataDir.resolve("state")))
        {
            return files.map(file -> file.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
