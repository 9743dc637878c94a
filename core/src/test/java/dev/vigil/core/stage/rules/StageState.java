package dev.vigil.core.stage.rules;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * A rules stage's state as the bytes a snapshot would hold, and back.
 */
final class StageState
{
    private StageState()
    {
    }

    static byte[] write(final RulesHandler stage) throws IOException
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            stage.writeState(out);
        }
        return bytes.toByteArray();
    }

    static void read(final RulesHandler stage, final byte[] state) throws IOException
    {
        stage.readState(new DataInputStream(new ByteArrayInputStream(state)));
    }
}
