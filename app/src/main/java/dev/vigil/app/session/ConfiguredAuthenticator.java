package dev.vigil.app.session;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;

import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The authenticator a configuration asks for, the same for a single engine and for the members of a cluster.
 */
public final class ConfiguredAuthenticator
{
    private ConfiguredAuthenticator()
    {
    }

    /**
     * @param config the configuration.
     * @return HMAC challenge-response over the credentials file when {@code auth.credentials.file} is set, else one
     * that accepts everyone.
     * @throws dev.vigil.app.config.ConfigException when the credentials file is missing, malformed or readable by
     *                                              others than its owner.
     */
    public static Authenticator of(final VigilConfig config)
    {
        final String credentialsFile = config.get(Settings.AUTH_CREDENTIALS_FILE);
        if (credentialsFile.isBlank())
        {
            return AllowAllAuthenticator.INSTANCE;
        }
        final CredentialsFile credentials =
            CredentialsFile.load(Settings.AUTH_CREDENTIALS_FILE.name(), Path.of(credentialsFile.trim()));
        return new HmacAuthenticator(credentials, new SecureRandom());
    }
}
