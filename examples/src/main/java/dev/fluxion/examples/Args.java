package dev.fluxion.examples;

import java.util.HashMap;
import java.util.Map;

/** Minimal command-line options: --name value and --flag. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "' (options are --name value)");
            String key = a.substring(2);
            int eq = key.indexOf('=');
            if (eq >= 0) values.put(key.substring(0, eq), key.substring(eq + 1));
            else if (i + 1 < args.length && !args[i + 1].startsWith("--")) values.put(key, args[++i]);
            else values.put(key, "true");
        }
    }

    boolean has(String key) { return values.containsKey(key); }

    String get(String key, String dflt) { return values.getOrDefault(key, dflt); }

    int getInt(String key, int dflt) { return values.containsKey(key) ? Integer.parseInt(values.get(key)) : dflt; }

    double getDouble(String key, double dflt) { return values.containsKey(key) ? Double.parseDouble(values.get(key)) : dflt; }
}
