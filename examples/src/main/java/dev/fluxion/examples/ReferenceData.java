package dev.fluxion.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The SciPy reference data in the repository's {@code testdata/reference/} (see the README there):
 * found from the system property {@code fluxion.testdata} (the build sets it to the repository's
 * {@code testdata/}), else by walking up from the working directory to the first folder that holds
 * {@code testdata/reference/}. Nothing outside the repository is read.
 */
public final class ReferenceData {
    private ReferenceData() {}

    /** The folder holding the reference JSON files. */
    public static Path dir() {
        List<Path> tried = new ArrayList<>();
        String prop = System.getProperty("fluxion.testdata");
        if (prop != null) tried.add(Path.of(prop, "reference"));
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) tried.add(d.resolve("testdata/reference"));
        for (Path d : tried) if (Files.isRegularFile(d.resolve("lotka_volterra.json"))) return d.normalize();
        throw new IllegalStateException("cannot find testdata/reference (run from inside the repository); looked in " + tried);
    }

    /** One reference file, by name ("lotka_volterra.json", "spiral.json", ...). */
    public static JsonNode load(String name) {
        try {
            return new ObjectMapper().readTree(dir().resolve(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON array of numbers. */
    public static double[] doubles(JsonNode n) {
        double[] d = new double[n.size()];
        for (int i = 0; i < d.length; i++) d[i] = n.get(i).asDouble();
        return d;
    }
}
