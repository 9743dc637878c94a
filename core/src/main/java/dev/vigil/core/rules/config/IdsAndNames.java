package dev.vigil.core.rules.config;

import org.yaml.snakeyaml.nodes.Node;

import java.util.HashMap;
import java.util.Map;

/**
 * The ids and names the entries of one section have used so far, so that an entry reusing either is an error that
 * names the entry it clashes with.
 */
final class IdsAndNames
{
    private final FieldReader reader;
    private final String noun;
    private final String idAllowed;
    private final Map<Long, String> namesById = new HashMap<>();
    private final Map<String, Integer> linesByName = new HashMap<>();

    /**
     * @param reader    where errors go.
     * @param noun      what an entry is, e.g. {@code rule}.
     * @param idAllowed what is allowed instead of a reused id, e.g. {@code an id used once}.
     */
    IdsAndNames(final FieldReader reader, final String noun, final String idAllowed)
    {
        this.reader = reader;
        this.noun = noun;
        this.idAllowed = idAllowed;
    }

    /**
     * Record an entry's id and name, reporting either when an earlier entry has it.
     *
     * @param id     the entry's id, or negative when it has none valid.
     * @param name   the entry's name, or null when it has none valid.
     * @param node   the entry.
     * @param fields the entry's fields by name.
     * @param where  how errors name the entry.
     */
    void check(final long id, final String name, final Node node, final Map<String, Node> fields, final String where)
    {
        if (id >= 0 && name != null)
        {
            final String clash = namesById.putIfAbsent(id, name);
            if (clash != null)
            {
                reader.error(fields.get("id"), where, "field 'id': " + id + " is already the id of " + noun + " '" +
                    clash + "'", idAllowed);
            }
        }
        if (name != null)
        {
            final Integer nameLine = linesByName.putIfAbsent(name, FieldReader.line(node));
            if (nameLine != null)
            {
                reader.error(fields.get("name"), where, "field 'name': already used by the " + noun + " at line " +
                    nameLine, "a unique name");
            }
        }
    }
}
