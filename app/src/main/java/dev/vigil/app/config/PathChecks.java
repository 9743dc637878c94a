package dev.vigil.app.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Checks of the files and directories a command is about to use, so that a wrong path is reported as a
 * configuration error naming the setting or option, the path and what is wrong with it, before anything starts;
 * and {@link #reason(IOException, Path)}, an I/O failure in words.
 */
public final class PathChecks
{
    private PathChecks()
    {
    }

    /**
     * Make sure a directory exists, creating it and its parents when missing, and can be written.
     *
     * @param what what names it in an error, e.g. {@code data.dir=/var/vigil} or {@code --out results}.
     * @param dir  the directory.
     * @throws ConfigException when it is a file, cannot be created or cannot be written.
     */
    public static void writableDirectory(final String what, final Path dir)
    {
        if (Files.exists(dir) && !Files.isDirectory(dir))
        {
            throw new ConfigException(what + ": is a file, not a directory");
        }
        try
        {
            Files.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(what + ": cannot create the directory: " + reason(ex, dir));
        }
        if (!Files.isWritable(dir))
        {
            throw new ConfigException(what + ": the directory is not writable");
        }
    }

    /**
     * Make sure a file exists and can be read.
     *
     * @param what what names it in an error, e.g. {@code rules.file=my-rules.yaml} or {@code --input events.csv}.
     * @param file the file.
     * @throws ConfigException when it is missing, a directory or unreadable.
     */
    public static void readableFile(final String what, final Path file)
    {
        if (!Files.exists(file))
        {
            throw new ConfigException(what + ": no such file");
        }
        if (Files.isDirectory(file))
        {
            throw new ConfigException(what + ": is a directory, not a file");
        }
        if (!Files.isReadable(file))
        {
            throw new ConfigException(what + ": the file is not readable");
        }
    }

    /**
     * @param ex      a failed file operation.
     * @param subject the path the operation was on, not repeated in the answer; another path the failure names is.
     * @return why it failed, in words, without the exception's class name.
     */
    public static String reason(final IOException ex, final Path subject)
    {
        if (!(ex instanceof FileSystemException))
        {
            return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        }
        final FileSystemException failure = (FileSystemException)ex;
        final String reason;
        if (ex instanceof NoSuchFileException)
        {
            reason = "no such file or directory";
        }
        else if (ex instanceof AccessDeniedException)
        {
            reason = "permission denied";
        }
        else if (ex instanceof NotDirectoryException)
        {
            reason = "not a directory";
        }
        else if (ex instanceof FileAlreadyExistsException)
        {
            reason = "a file is in the way";
        }
        else
        {
            reason = failure.getReason() == null ? "failed" : failure.getReason();
        }
        final String file = failure.getFile();
        return file == null || subject != null && file.equals(subject.toString()) ? reason : reason + ": " + file;
    }
}
