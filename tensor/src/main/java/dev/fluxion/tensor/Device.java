package dev.fluxion.tensor;

import java.util.ServiceLoader;

/**
 * Where a tensor's numbers live. Every tensor reports its device; CPU is built in, and other
 * backends (the CUDA module) register a {@link DeviceProvider} through {@link ServiceLoader}, so
 * the tensor module never links against them.
 */
public interface Device {
    Device CPU = new Device() {
        @Override public String name() { return "cpu"; }
        @Override public String toString() { return "cpu"; }
    };

    String name();

    /** Finds a device by name ("cpu", "cuda:0"), or throws naming the devices that are available. */
    static Device named(String name) {
        if ("cpu".equals(name)) return CPU;
        StringBuilder known = new StringBuilder("cpu");
        for (DeviceProvider p : ServiceLoader.load(DeviceProvider.class)) {
            try {
                for (Device d : p.devices()) {
                    if (d.name().equals(name)) return d;
                    known.append(", ").append(d.name());
                }
            } catch (Throwable t) {
                // A backend whose native library or driver is missing is skipped, not fatal.
            }
        }
        throw new IllegalArgumentException("no device named '" + name + "'; available: " + known);
    }
}
