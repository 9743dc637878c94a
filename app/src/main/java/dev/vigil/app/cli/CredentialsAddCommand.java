package dev.vigil.app.cli;

import dev.vigil.app.session.ClientKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

/**
 * {@code vigil credentials add}: a new random key for a client, appended to the credentials file and printed once.
 */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = {
        "Add a new random key for a client to the credentials file.",
        "The 256-bit key is appended to FILE (created readable by its owner only) and printed, for the client's",
        "HmacCredentials. The engine reads the file at start.",
        "Exit 0 added, 2 bad usage, an unusable file, or a client that already has a key."})
final class CredentialsAddCommand implements Callable<Integer>
{
    @Option(names = "--file", required = true, paramLabel = "FILE",
        description = "the credentials file, as auth.credentials.file names it")
    private Path file;

    @Option(names = "--client-id", required = true, paramLabel = "ID", description = "the client, 1 or more")
    private String clientId;

    @Override
    public Integer call()
    {
        final long id = OptionValues.clientId("--client-id", clientId);
        final String key = ClientKeys.add(file, id, new SecureRandom());
        System.out.println(key);
        System.err.printf("vigil credentials add: client %s added to %s; give it the key above%n",
            Long.toUnsignedString(id), file);
        return VigilMain.EXIT_OK;
    }
}
