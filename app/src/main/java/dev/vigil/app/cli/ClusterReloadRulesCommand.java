package dev.vigil.app.cli;

import dev.vigil.app.cluster.ClusterAdminClient;
import dev.vigil.app.cluster.ClusterMembers;
import dev.vigil.app.cluster.VigilClusteredService;
import dev.vigil.app.config.ConfigException;
import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.session.CredentialsFile;
import dev.vigil.codecs.RulesUpdateOutcome;
import dev.vigil.core.rules.config.RulesFile;
import io.aeron.exceptions.TimeoutException;
import io.aeron.security.AuthenticationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code vigil cluster reload-rules FILE}: validates a rules file and sends it through a cluster's log, as its admin
 * client, then waits for the cluster's answer.
 */
@Command(
    name = "reload-rules",
    mixinStandardHelpOptions = true,
    description = {
        "Validate a rules file, then send it through the cluster's replicated log as the admin client",
        "(cluster.admin.client.id), as one message of at most cluster.log.term.length / 8 bytes: every member",
        "switches to it at the same point of its input. Exit 0 when the cluster applied it, 1 when the file is",
        "invalid or too long, the cluster refused it or did not answer, 2 for bad usage."})
final class ClusterReloadRulesCommand implements Callable<Integer>
{
    @Mixin
    private EngineOptions options;

    @Parameters(paramLabel = "FILE", description = "the rules file")
    private Path file;

    @Option(names = "--members", paramLabel = "FILE",
        description = "the cluster's members file (setting cluster.members.file)")
    private Path membersFile;

    @Option(names = "--egress-host", paramLabel = "HOST", defaultValue = "localhost",
        description = "this host's address as the members reach it, for the cluster's answers (default: " +
            "${DEFAULT-VALUE})")
    private String egressHost;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10s",
        description = "how long to wait for the cluster (default: ${DEFAULT-VALUE})")
    private String timeout;

    @Override
    public Integer call()
    {
        VigilConfig config = options.toConfig();
        if (membersFile != null)
        {
            config = config.with(Settings.CLUSTER_MEMBERS_FILE.name(), membersFile.toString());
        }
        final long timeoutNs = OptionValues.durationNs("--timeout", timeout);
        final String members = config.get(Settings.CLUSTER_MEMBERS_FILE);
        if (members.isEmpty())
        {
            throw new ConfigException("no members file: give --members FILE (or the setting " +
                Settings.CLUSTER_MEMBERS_FILE.name() + ")");
        }
        final long adminClientId = config.getInt(Settings.CLUSTER_ADMIN_CLIENT_ID);
        if (adminClientId == 0)
        {
            throw new ConfigException(Settings.CLUSTER_ADMIN_CLIENT_ID.name() + " is 0: set it to the client id " +
                "the members accept rules updates from (the same on every member)");
        }
        final String ingressEndpoints = ClusterMembers.read(Path.of(members)).ingressEndpoints();
        final byte[] key = adminKey(config, adminClientId);

        final PrintStream out = System.out;
        final RulesFile rulesFile = RulesValidation.validate(file, "cluster reload-rules", out);
        if (rulesFile == null)
        {
            out.println("nothing sent to the cluster");
            return VigilMain.EXIT_PROBLEM;
        }
        final RulesUpdateOutcome outcome;
        try (ClusterAdminClient admin = ClusterAdminClient.connect(
            ingressEndpoints, "aeron:udp?endpoint=" + egressHost + ":0", adminClientId, key, timeoutNs))
        {
            outcome = admin.reloadRules(
                rulesFile.text(), VigilClusteredService.maxRulesUpdateLength(config), System.nanoTime() + timeoutNs);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("vigil cluster reload-rules: " + ex.getMessage());
            return VigilMain.EXIT_PROBLEM;
        }
        catch (final AuthenticationException ex)
        {
            System.err.println("vigil cluster reload-rules: the cluster refused to authenticate client " +
                adminClientId + ": check its key in " + config.get(Settings.AUTH_CREDENTIALS_FILE));
            return VigilMain.EXIT_PROBLEM;
        }
        catch (final TimeoutException ex)
        {
            System.err.println("vigil cluster reload-rules: no cluster leader answered at " + ingressEndpoints +
                " within " + timeout);
            return VigilMain.EXIT_PROBLEM;
        }
        if (outcome == RulesUpdateOutcome.APPLIED)
        {
            out.println("vigil cluster reload-rules: the cluster applied " + file + "; now in force:");
            RulesValidation.print(rulesFile, out);
            return VigilMain.EXIT_OK;
        }
        System.err.println("vigil cluster reload-rules: " + (outcome == null ?
            "no answer from the cluster within " + timeout + " (or it closed the session: is another admin " +
            "session of the same id open?)" :
            "the cluster refused the update: " + outcome + describe(outcome, adminClientId)));
        return VigilMain.EXIT_PROBLEM;
    }

    private static byte[] adminKey(final VigilConfig config, final long adminClientId)
    {
        final String credentials = config.get(Settings.AUTH_CREDENTIALS_FILE);
        if (credentials.isBlank())
        {
            return null;
        }
        final byte[] key = CredentialsFile.load(Settings.AUTH_CREDENTIALS_FILE.name(), Path.of(credentials.trim()))
            .key(adminClientId);
        if (key == null)
        {
            throw new ConfigException(Settings.AUTH_CREDENTIALS_FILE.name() + " " + credentials +
                ": no key for the admin client " + adminClientId + " (vigil credentials add)");
        }
        return key;
    }

    private static String describe(final RulesUpdateOutcome outcome, final long adminClientId)
    {
        switch (outcome)
        {
            case NOT_ALLOWED:
                return " (the members' cluster.admin.client.id is not " + adminClientId + ")";
            case REFUSED_INVALID:
                return " (the members could not build the rules: their rule settings differ from this one's?)";
            default:
                return "";
        }
    }
}
