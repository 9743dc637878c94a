package dev.vigil.app.cli;

import dev.vigil.app.config.ConfigException;
import dev.vigil.app.session.CredentialsFile;
import dev.vigil.client.HmacCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vigil credentials add} and the credentials file the engine reads: keys made, kept private, and every way
 * a file can be wrong named with its line.
 */
@Timeout(60)
class CredentialsCommandTest extends CommandLineTest
{
    @TempDir
    Path dir;

    @Test
    void addMakesAnOwnerOnlyFileWithAFreshKeyPerClient() throws IOException
    {
        final Path file = dir.resolve("keys/credentials");
        assertEquals(VigilMain.EXIT_OK, VigilMain.execute("credentials", "add", "--file", file.toString(),
            "--client-id", "7"));
        final String key7 = output().trim();
        assertEquals(64, key7.length());
        assertEquals(VigilMain.EXIT_OK, VigilMain.execute("credentials", "add", "--file", file.toString(),
            "--client-id", "8"));
        final String key8 = output().substring(key7.length()).trim();

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        final CredentialsFile credentials = CredentialsFile.load("auth.credentials.file", file);
        assertEquals(2, credentials.size());
        assertArrayEquals(HmacCredentials.parseHexKey(key7), credentials.key(7));
        assertArrayEquals(HmacCredentials.parseHexKey(key8), credentials.key(8));
        assertFalse(key7.equals(key8));

        assertEquals(VigilMain.EXIT_USAGE, VigilMain.execute("credentials", "add", "--file", file.toString(),
            "--client-id", "7"));
        assertTrue(errors().contains("client 7 already has a key"), errors());
        assertEquals(VigilMain.EXIT_USAGE, VigilMain.execute("credentials", "add", "--file", file.toString(),
            "--client-id", "0"));
        assertTrue(errors().contains("--client-id 0"), errors());
        assertFalse(errors().contains("\tat "), errors());
    }

    @Test
    void everyWayAFileCanBeWrongIsNamedWithItsLine() throws IOException
    {
        assertRefused("7 00112233\n", "credentials:1: the key of client 7: a key of 4 bytes is too short");
        assertRefused("7 zz112233445566778899aabbccddeeff\n", "credentials:1: the key of client 7: a key must be " +
            "hexadecimal digits only");
        assertRefused("# a comment\n\nseven 00112233445566778899aabbccddeeff\n",
            "credentials:3: 'seven' is not a client id");
        assertRefused("7\n", "credentials:1: expected '<client-id> <hex-key>', found 1 field(s)");
        assertRefused("7 00112233445566778899aabbccddeeff\n7 ffeeddccbbaa99887766554433221100\n",
            "credentials:2: client 7 already has a key on line 1");

        final Path open = write("open", "7 00112233445566778899aabbccddeeff\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        final ConfigException readable =
            assertThrows(ConfigException.class, () -> CredentialsFile.load("auth.credentials.file", open));
        assertTrue(readable.getMessage().contains("readable by other users") &&
            readable.getMessage().contains("chmod 600"), readable.getMessage());
        final ConfigException missing = assertThrows(ConfigException.class,
            () -> CredentialsFile.load("auth.credentials.file", dir.resolve("nope")));
        assertEquals("auth.credentials.file=" + dir.resolve("nope") + ": no such file", missing.getMessage());
    }

    @Test
    void runRefusesAnUnusableCredentialsFileBeforeStarting() throws IOException
    {
        final Path open = write("open", "7 00112233445566778899aabbccddeeff\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(VigilMain.EXIT_USAGE, VigilMain.execute("run", "--data-dir", dir.resolve("data").toString(),
            "--set", "auth.credentials.file=" + open));
        assertTrue(errors().contains("readable by other users"), errors());
        assertFalse(errors().contains("\tat "), errors());
    }

    private void assertRefused(final String content, final String message) throws IOException
    {
        final Path file = write("credentials", content);
        final ConfigException refused =
            assertThrows(ConfigException.class, () -> CredentialsFile.load("auth.credentials.file", file));
        assertTrue(refused.getMessage().startsWith(file.getParent() + "/" + message), refused.getMessage());
    }

    private Path write(final String name, final String content) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
